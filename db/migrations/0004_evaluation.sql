CREATE TABLE `appeals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cycle_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`node_id` integer NOT NULL,
	`reason` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`decision_value` real,
	`decision_reason` text,
	`decided_by` integer,
	`decided_at` text,
	`created_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`node_id`) REFERENCES `indicator_nodes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `appeals_cycle_unit_idx` ON `appeals` (`cycle_id`,`unit_id`);--> statement-breakpoint
CREATE TABLE `arbitrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cycle_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`node_id` integer NOT NULL,
	`value` real NOT NULL,
	`reason` text NOT NULL,
	`decided_by` integer,
	`decided_at` text NOT NULL,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`node_id`) REFERENCES `indicator_nodes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `arbitrations_uq` ON `arbitrations` (`cycle_id`,`unit_id`,`node_id`);--> statement-breakpoint
CREATE TABLE `assignment_draws` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cycle_id` integer NOT NULL,
	`seed` text NOT NULL,
	`per_unit` integer NOT NULL,
	`result` text NOT NULL,
	`created_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `assignment_draws_cycle_idx` ON `assignment_draws` (`cycle_id`);--> statement-breakpoint
CREATE TABLE `evaluator_assignments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cycle_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`evaluator_id` integer NOT NULL,
	`method` text NOT NULL,
	`draw_id` integer,
	`assigned_by` integer,
	`assigned_at` text NOT NULL,
	`signed_off_at` text,
	`lead` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`evaluator_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`draw_id`) REFERENCES `assignment_draws`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assigned_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluator_assignments_uq` ON `evaluator_assignments` (`cycle_id`,`unit_id`,`evaluator_id`);--> statement-breakpoint
CREATE INDEX `evaluator_assignments_evaluator_idx` ON `evaluator_assignments` (`evaluator_id`);--> statement-breakpoint
CREATE TABLE `evaluator_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`assignment_id` integer NOT NULL,
	`node_id` integer NOT NULL,
	`input` text,
	`reason` text DEFAULT '' NOT NULL,
	`corrections` text,
	`version` integer DEFAULT 1 NOT NULL,
	`updated_by` integer,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`assignment_id`) REFERENCES `evaluator_assignments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`node_id`) REFERENCES `indicator_nodes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluator_entries_uq` ON `evaluator_entries` (`assignment_id`,`node_id`);--> statement-breakpoint
CREATE TABLE `findings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` integer NOT NULL,
	`cycle_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`node_id` integer NOT NULL,
	`inspector_id` integer,
	`description` text NOT NULL,
	`found_on` text NOT NULL,
	`kind` text NOT NULL,
	`fault_code` text,
	`count` integer,
	`points` real,
	`requires_rectification` integer DEFAULT false NOT NULL,
	`rectification_due` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `spot_check_batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`node_id`) REFERENCES `indicator_nodes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`inspector_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `findings_cycle_unit_idx` ON `findings` (`cycle_id`,`unit_id`);--> statement-breakpoint
CREATE INDEX `findings_batch_idx` ON `findings` (`batch_id`);--> statement-breakpoint
CREATE TABLE `rectifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`finding_id` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`response` text,
	`responded_by` integer,
	`responded_at` text,
	`verdict_comment` text,
	`verified_by` integer,
	`verified_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`finding_id`) REFERENCES `findings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`responded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`verified_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rectifications_finding_uq` ON `rectifications` (`finding_id`);--> statement-breakpoint
CREATE TABLE `spot_check_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cycle_id` integer NOT NULL,
	`seed` text NOT NULL,
	`size` text NOT NULL,
	`category_id` integer,
	`node_codes` text,
	`published` integer DEFAULT false NOT NULL,
	`created_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `spot_check_batches_cycle_idx` ON `spot_check_batches` (`cycle_id`);--> statement-breakpoint
CREATE TABLE `spot_check_units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`batch_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`inspector_id` integer NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `spot_check_batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`inspector_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `spot_check_units_uq` ON `spot_check_units` (`batch_id`,`unit_id`);