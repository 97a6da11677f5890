CREATE TABLE `cycle_transitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cycle_id` integer NOT NULL,
	`from_status` text NOT NULL,
	`to_status` text NOT NULL,
	`actor_id` integer,
	`at` text NOT NULL,
	`comment` text,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `cycle_transitions_cycle_idx` ON `cycle_transitions` (`cycle_id`);--> statement-breakpoint
CREATE TABLE `cycles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`year` integer NOT NULL,
	`title` text NOT NULL,
	`openness_weight_pct` real DEFAULT 5 NOT NULL,
	`settings` text NOT NULL,
	`calendar` text NOT NULL,
	`self_inspection_due` text NOT NULL,
	`spot_check_start` text,
	`spot_check_end` text,
	`appeal_window_days` integer DEFAULT 5 NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`copied_from_id` integer,
	`published_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`copied_from_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "cycles_weight_min" CHECK("cycles"."openness_weight_pct" >= 4)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cycles_year_uq` ON `cycles` (`year`);--> statement-breakpoint
CREATE TABLE `indicator_amendments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`set_id` integer NOT NULL,
	`node_id` integer,
	`reason` text NOT NULL,
	`carry` text,
	`before` text,
	`after` text,
	`actor_id` integer,
	`at` text NOT NULL,
	FOREIGN KEY (`set_id`) REFERENCES `indicator_sets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`node_id`) REFERENCES `indicator_nodes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `indicator_amendments_set_idx` ON `indicator_amendments` (`set_id`);--> statement-breakpoint
CREATE TABLE `indicator_nodes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`set_id` integer NOT NULL,
	`parent_id` integer,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`dimension` text,
	`part` text DEFAULT 'base' NOT NULL,
	`points` real NOT NULL,
	`rule` text,
	`guidance` text DEFAULT '' NOT NULL,
	`criteria` text DEFAULT '' NOT NULL,
	`basis` text DEFAULT '' NOT NULL,
	`evidence_required` integer DEFAULT false NOT NULL,
	`evidence_kinds` text DEFAULT '[]' NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`set_id`) REFERENCES `indicator_sets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`parent_id`) REFERENCES `indicator_nodes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `indicator_nodes_set_code_uq` ON `indicator_nodes` (`set_id`,`code`);--> statement-breakpoint
CREATE INDEX `indicator_nodes_parent_idx` ON `indicator_nodes` (`parent_id`);--> statement-breakpoint
CREATE TABLE `indicator_sets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cycle_id` integer NOT NULL,
	`category_id` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `indicator_sets_cycle_category_uq` ON `indicator_sets` (`cycle_id`,`category_id`);--> statement-breakpoint
CREATE TABLE `deadline_extensions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cycle_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`until` text NOT NULL,
	`reason` text NOT NULL,
	`granted_by` integer,
	`at` text NOT NULL,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`granted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `deadline_extensions_cycle_unit_idx` ON `deadline_extensions` (`cycle_id`,`unit_id`);--> statement-breakpoint
CREATE TABLE `return_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer NOT NULL,
	`submission_id` integer NOT NULL,
	`node_id` integer NOT NULL,
	`comment` text NOT NULL,
	`resolved_at` text,
	FOREIGN KEY (`event_id`) REFERENCES `submission_events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`node_id`) REFERENCES `indicator_nodes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `return_items_submission_idx` ON `return_items` (`submission_id`);--> statement-breakpoint
CREATE TABLE `submission_answers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`submission_id` integer NOT NULL,
	`node_id` integer NOT NULL,
	`input` text,
	`narrative` text DEFAULT '' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`updated_by` integer,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`node_id`) REFERENCES `indicator_nodes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `submission_answers_submission_node_uq` ON `submission_answers` (`submission_id`,`node_id`);--> statement-breakpoint
CREATE TABLE `submission_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`submission_id` integer NOT NULL,
	`kind` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`actor_id` integer,
	`at` text NOT NULL,
	`comment` text,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `submission_events_submission_idx` ON `submission_events` (`submission_id`);--> statement-breakpoint
CREATE TABLE `submissions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cycle_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`submitted_at` text,
	`last_activity_at` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `submissions_cycle_unit_uq` ON `submissions` (`cycle_id`,`unit_id`);--> statement-breakpoint
CREATE INDEX `submissions_unit_idx` ON `submissions` (`unit_id`);