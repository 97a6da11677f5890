CREATE TABLE `outside_assessments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cycle_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`node_id` integer NOT NULL,
	`source` text NOT NULL,
	`value` real NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`updated_by` integer,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`node_id`) REFERENCES `indicator_nodes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outside_assessments_uq` ON `outside_assessments` (`cycle_id`,`unit_id`,`node_id`,`source`);--> statement-breakpoint
-- An outside office's assessment is part of its unit's package entry (cycle-package.server.ts):
-- every change marks the unit stale for its cycle, as the triggers of migration 0017 do.
CREATE TRIGGER `results_stale_outside_insert` AFTER INSERT ON `outside_assessments`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT NEW.`cycle_id`, NEW.`unit_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT NEW.`cycle_id`, NEW.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_outside_update` AFTER UPDATE ON `outside_assessments`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT NEW.`cycle_id`, NEW.`unit_id` UNION SELECT OLD.`cycle_id`, OLD.`unit_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT NEW.`cycle_id`, NEW.`unit_id` UNION SELECT OLD.`cycle_id`, OLD.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_outside_delete` AFTER DELETE ON `outside_assessments`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT OLD.`cycle_id`, OLD.`unit_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT OLD.`cycle_id`, OLD.`unit_id`;
END;
