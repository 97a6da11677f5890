ALTER TABLE `cycles` ADD `appeals_closed_at` text;--> statement-breakpoint
ALTER TABLE `cycles` ADD `appeals_closed_by` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `cycles` ADD `appeals_closed_reason` text;