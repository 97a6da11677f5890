CREATE TABLE `cycle_results` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cycle_id` integer NOT NULL,
	`kind` text NOT NULL,
	`package_json` text NOT NULL,
	`package_sha256` text NOT NULL,
	`results_json` text NOT NULL,
	`results_sha256` text NOT NULL,
	`computed_by` integer,
	`computed_at` text NOT NULL,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`computed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cycle_results_cycle_kind_uq` ON `cycle_results` (`cycle_id`,`kind`);--> statement-breakpoint
CREATE INDEX `cycle_results_cycle_idx` ON `cycle_results` (`cycle_id`);--> statement-breakpoint
CREATE TABLE `public_pages` (
	`cycle_id` integer PRIMARY KEY NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`anonymise` integer DEFAULT false NOT NULL,
	`updated_by` integer,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `unit_results` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cycle_result_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`result` text NOT NULL,
	`total` text NOT NULL,
	`rank` integer NOT NULL,
	`category_rank` integer NOT NULL,
	FOREIGN KEY (`cycle_result_id`) REFERENCES `cycle_results`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `unit_results_uq` ON `unit_results` (`cycle_result_id`,`unit_id`);--> statement-breakpoint
-- Final snapshots (已定稿) are immutable: later edits or recomputes can never change them.
CREATE TRIGGER `cycle_results_final_no_update` BEFORE UPDATE ON `cycle_results` WHEN OLD.kind = 'final'
BEGIN
  SELECT RAISE(ABORT, 'final results are immutable');
END;
--> statement-breakpoint
CREATE TRIGGER `cycle_results_final_no_delete` BEFORE DELETE ON `cycle_results` WHEN OLD.kind = 'final'
BEGIN
  SELECT RAISE(ABORT, 'final results are immutable');
END;
--> statement-breakpoint
CREATE TRIGGER `unit_results_final_no_update` BEFORE UPDATE ON `unit_results`
WHEN (SELECT kind FROM cycle_results WHERE id = OLD.cycle_result_id) = 'final'
BEGIN
  SELECT RAISE(ABORT, 'final results are immutable');
END;
--> statement-breakpoint
CREATE TRIGGER `unit_results_final_no_delete` BEFORE DELETE ON `unit_results`
WHEN (SELECT kind FROM cycle_results WHERE id = OLD.cycle_result_id) = 'final'
BEGIN
  SELECT RAISE(ABORT, 'final results are immutable');
END;
