DROP INDEX `units_category_idx`;--> statement-breakpoint
CREATE INDEX `units_category_active_idx` ON `units` (`category_id`,`active`);