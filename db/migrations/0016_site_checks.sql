CREATE TABLE `site_check_windows` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cycle_id` integer NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`visits_per_day` integer DEFAULT 20 NOT NULL,
	`timeout_ms` integer DEFAULT 15000 NOT NULL,
	`depth` integer DEFAULT 1 NOT NULL,
	`page_budget` integer DEFAULT 200 NOT NULL,
	`per_host_per_second` real DEFAULT 2 NOT NULL,
	`user_agent` text NOT NULL,
	`freshness_days` text NOT NULL,
	`reply_days` integer DEFAULT 90 NOT NULL,
	`allow_private` integer DEFAULT false NOT NULL,
	`batch_id` integer,
	`mappings` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`updated_by` integer,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`batch_id`) REFERENCES `spot_check_batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `site_check_windows_cycle_id_unique` ON `site_check_windows` (`cycle_id`);--> statement-breakpoint
CREATE TABLE `site_crawls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`window_id` integer NOT NULL,
	`website_id` integer NOT NULL,
	`at` text NOT NULL,
	`result` text NOT NULL,
	`proposed_at` text,
	FOREIGN KEY (`window_id`) REFERENCES `site_check_windows`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`website_id`) REFERENCES `unit_websites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `site_crawls_uq` ON `site_crawls` (`window_id`,`website_id`);--> statement-breakpoint
CREATE TABLE `site_observations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`window_id` integer NOT NULL,
	`website_id` integer NOT NULL,
	`role` text NOT NULL,
	`slot` integer,
	`url` text NOT NULL,
	`at` text NOT NULL,
	`status` integer,
	`error` text,
	`ttfb_ms` integer,
	`snapshot_sha` text,
	FOREIGN KEY (`window_id`) REFERENCES `site_check_windows`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`website_id`) REFERENCES `unit_websites`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`snapshot_sha`) REFERENCES `site_snapshots`(`sha256`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `site_observations_slot_uq` ON `site_observations` (`window_id`,`website_id`,`slot`);--> statement-breakpoint
CREATE INDEX `site_observations_site_idx` ON `site_observations` (`window_id`,`website_id`,`role`);--> statement-breakpoint
CREATE TABLE `site_proposals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`window_id` integer NOT NULL,
	`website_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`code` text NOT NULL,
	`url` text NOT NULL,
	`message` text NOT NULL,
	`observation_id` integer,
	`status` text DEFAULT 'proposed' NOT NULL,
	`node_id` integer,
	`fault_code` text,
	`reason` text,
	`finding_id` integer,
	`decided_by` integer,
	`decided_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`window_id`) REFERENCES `site_check_windows`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`website_id`) REFERENCES `unit_websites`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`observation_id`) REFERENCES `site_observations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`node_id`) REFERENCES `indicator_nodes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`finding_id`) REFERENCES `findings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `site_proposals_uq` ON `site_proposals` (`window_id`,`website_id`,`code`,`url`,`message`);--> statement-breakpoint
CREATE INDEX `site_proposals_unit_idx` ON `site_proposals` (`unit_id`);--> statement-breakpoint
CREATE TABLE `site_snapshots` (
	`sha256` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `unit_websites` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `unit_websites_uq` ON `unit_websites` (`unit_id`,`url`);--> statement-breakpoint
CREATE TABLE `website_columns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`website_id` integer NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	FOREIGN KEY (`website_id`) REFERENCES `unit_websites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `website_columns_uq` ON `website_columns` (`website_id`,`url`);