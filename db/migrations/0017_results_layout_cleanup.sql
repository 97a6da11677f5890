-- Results stored before the split layout (migration 0009) hold their whole document in
-- results_json. A preliminary row is a recomputable cache: it is removed here, and the next
-- recompute stores it in pieces. A final snapshot cannot be split without changing its published
-- bytes (that document was indented), so the migration stops, naming why, if one exists.
CREATE TABLE `results_whole_final_check` (
	`id` integer,
	CONSTRAINT `定稿结果仍为旧的整份存储格式，不能自动转换` CHECK (`id` IS NULL)
);--> statement-breakpoint
INSERT INTO `results_whole_final_check` SELECT `id` FROM `cycle_results` WHERE `kind` = 'final' AND `results_layout` = 'whole';--> statement-breakpoint
DROP TABLE `results_whole_final_check`;--> statement-breakpoint
DELETE FROM `unit_results` WHERE `cycle_result_id` IN (SELECT `id` FROM `cycle_results` WHERE `kind` = 'preliminary' AND `results_layout` = 'whole');--> statement-breakpoint
DELETE FROM `cycle_results` WHERE `kind` = 'preliminary' AND `results_layout` = 'whole';--> statement-breakpoint
DROP INDEX `cycle_results_cycle_idx`;--> statement-breakpoint
ALTER TABLE `cycle_results` DROP COLUMN `results_layout`;--> statement-breakpoint
DROP INDEX `unit_results_rank_idx`;--> statement-breakpoint
CREATE TABLE `results_stale_units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cycle_id` integer NOT NULL,
	`unit_id` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `results_stale_units_uq` ON `results_stale_units` (`cycle_id`,`unit_id`);--> statement-breakpoint
ALTER TABLE `cycle_results` ADD `header_sha256` text;--> statement-breakpoint
ALTER TABLE `unit_results` ADD `package_entry` text;--> statement-breakpoint
-- What a unit's package entry is built from (cycle-package.server.ts), apart from the package
-- header (settings, calendar, indicator sets: a recompute compares the header's hash): every change
-- marks the unit stale for its cycle, and the next recompute builds only the stale units. A mark
-- is deleted and inserted anew (a new id), not replaced: inside a trigger an outer statement's
-- conflict clause (an upsert, INSERT OR …) would override the trigger's own.
CREATE TRIGGER `results_stale_entry_insert` AFTER INSERT ON `evaluator_entries`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT `cycle_id`, `unit_id` FROM `evaluator_assignments` WHERE `id` = NEW.`assignment_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT `cycle_id`, `unit_id` FROM `evaluator_assignments` WHERE `id` = NEW.`assignment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_entry_update` AFTER UPDATE ON `evaluator_entries`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT `cycle_id`, `unit_id` FROM `evaluator_assignments` WHERE `id` = NEW.`assignment_id` UNION SELECT `cycle_id`, `unit_id` FROM `evaluator_assignments` WHERE `id` = OLD.`assignment_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT `cycle_id`, `unit_id` FROM `evaluator_assignments` WHERE `id` = NEW.`assignment_id` UNION SELECT `cycle_id`, `unit_id` FROM `evaluator_assignments` WHERE `id` = OLD.`assignment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_entry_delete` AFTER DELETE ON `evaluator_entries`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT `cycle_id`, `unit_id` FROM `evaluator_assignments` WHERE `id` = OLD.`assignment_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT `cycle_id`, `unit_id` FROM `evaluator_assignments` WHERE `id` = OLD.`assignment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_assignment_insert` AFTER INSERT ON `evaluator_assignments`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT NEW.`cycle_id`, NEW.`unit_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT NEW.`cycle_id`, NEW.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_assignment_update` AFTER UPDATE ON `evaluator_assignments`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT NEW.`cycle_id`, NEW.`unit_id` UNION SELECT OLD.`cycle_id`, OLD.`unit_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT NEW.`cycle_id`, NEW.`unit_id` UNION SELECT OLD.`cycle_id`, OLD.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_assignment_delete` AFTER DELETE ON `evaluator_assignments`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT OLD.`cycle_id`, OLD.`unit_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT OLD.`cycle_id`, OLD.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_finding_insert` AFTER INSERT ON `findings`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT NEW.`cycle_id`, NEW.`unit_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT NEW.`cycle_id`, NEW.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_finding_update` AFTER UPDATE ON `findings`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT NEW.`cycle_id`, NEW.`unit_id` UNION SELECT OLD.`cycle_id`, OLD.`unit_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT NEW.`cycle_id`, NEW.`unit_id` UNION SELECT OLD.`cycle_id`, OLD.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_finding_delete` AFTER DELETE ON `findings`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT OLD.`cycle_id`, OLD.`unit_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT OLD.`cycle_id`, OLD.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_arbitration_insert` AFTER INSERT ON `arbitrations`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT NEW.`cycle_id`, NEW.`unit_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT NEW.`cycle_id`, NEW.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_arbitration_update` AFTER UPDATE ON `arbitrations`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT NEW.`cycle_id`, NEW.`unit_id` UNION SELECT OLD.`cycle_id`, OLD.`unit_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT NEW.`cycle_id`, NEW.`unit_id` UNION SELECT OLD.`cycle_id`, OLD.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_arbitration_delete` AFTER DELETE ON `arbitrations`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT OLD.`cycle_id`, OLD.`unit_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT OLD.`cycle_id`, OLD.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_appeal_insert` AFTER INSERT ON `appeals`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT NEW.`cycle_id`, NEW.`unit_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT NEW.`cycle_id`, NEW.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_appeal_update` AFTER UPDATE ON `appeals`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT NEW.`cycle_id`, NEW.`unit_id` UNION SELECT OLD.`cycle_id`, OLD.`unit_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT NEW.`cycle_id`, NEW.`unit_id` UNION SELECT OLD.`cycle_id`, OLD.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_appeal_delete` AFTER DELETE ON `appeals`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT OLD.`cycle_id`, OLD.`unit_id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT OLD.`cycle_id`, OLD.`unit_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_unit_update` AFTER UPDATE ON `units`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT `cycle_id`, NEW.`id` FROM `cycle_results` WHERE `kind` = 'preliminary');
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT `cycle_id`, NEW.`id` FROM `cycle_results` WHERE `kind` = 'preliminary';
END;
--> statement-breakpoint
CREATE TRIGGER `results_stale_evaluator_name` AFTER UPDATE OF `display_name` ON `users`
BEGIN
  DELETE FROM `results_stale_units` WHERE (`cycle_id`, `unit_id`) IN (SELECT `cycle_id`, `unit_id` FROM `evaluator_assignments` WHERE `evaluator_id` = NEW.`id`);
  INSERT INTO `results_stale_units` (`cycle_id`, `unit_id`) SELECT `cycle_id`, `unit_id` FROM `evaluator_assignments` WHERE `evaluator_id` = NEW.`id`;
END;
