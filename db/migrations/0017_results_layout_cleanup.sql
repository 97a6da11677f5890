-- Results stored before the split layout (migration 0009) hold their whole document in
-- results_json. A preliminary row is a recomputable cache: it is removed here, and the next
-- recompute stores it in pieces. A final snapshot is converted once, without changing a published
-- byte: its document was written with two-space indentation (JSON.stringify(results, null, 2)),
-- which json_pretty(entry, '  ') re-creates entry by entry, so each unit row keeps its entry as it
-- stands in the document (indented, with the line break before it) and results_json keeps the text
-- around them. Joined, the pieces are the original document (checked below: the migration stops,
-- naming why, if they are not), so its published SHA-256 still verifies.
CREATE TABLE `whole_units_0017` (
	`cycle_result_id` integer NOT NULL,
	`unit_code` text NOT NULL,
	`position` integer NOT NULL,
	`entry` text NOT NULL,
	`summary` text NOT NULL,
	PRIMARY KEY (`cycle_result_id`, `unit_code`)
);--> statement-breakpoint
INSERT INTO `whole_units_0017`
	SELECT r.`id`, json_extract(e.`value`, '$.id'), e.`key`, char(10) || '    ' || replace(json_pretty(e.`value`, '  '), char(10), char(10) || '    '), json_remove(e.`value`, '$.leaves', '$.explain')
	FROM `cycle_results` r, json_each(r.`results_json`, '$.units') e
	WHERE r.`kind` = 'final' AND r.`results_layout` = 'whole';--> statement-breakpoint
CREATE TABLE `whole_frames_0017` (`cycle_result_id` integer PRIMARY KEY, `head` text NOT NULL, `units` text);--> statement-breakpoint
INSERT INTO `whole_frames_0017`
	SELECT r.`id`, substr(r.`results_json`, 1, instr(r.`results_json`, '"units": [') + length('"units": [') - 1),
		(SELECT group_concat(w.`entry`, ',' ORDER BY w.`position`) FROM `whole_units_0017` w WHERE w.`cycle_result_id` = r.`id`)
	FROM `cycle_results` r WHERE r.`kind` = 'final' AND r.`results_layout` = 'whole';--> statement-breakpoint
CREATE TABLE `results_whole_final_check` (
	`id` integer,
	CONSTRAINT `旧格式的定稿结果无法无损转换为分段存储` CHECK (`id` IS NULL)
);--> statement-breakpoint
INSERT INTO `results_whole_final_check` SELECT r.`id` FROM `cycle_results` r JOIN `whole_frames_0017` f ON f.`cycle_result_id` = r.`id`
	WHERE instr(r.`results_json`, '"units": [') = 0 OR f.`units` IS NULL
	OR substr(r.`results_json`, length(f.`head`) + 1, length(f.`units`)) != f.`units`
	OR substr(r.`results_json`, length(f.`head`) + length(f.`units`) + 1, 4) != char(10) || '  ]'
	OR (SELECT count(*) FROM `unit_results` x WHERE x.`cycle_result_id` = r.`id`) != (SELECT count(*) FROM `whole_units_0017` w WHERE w.`cycle_result_id` = r.`id`)
	OR EXISTS (SELECT 1 FROM `unit_results` x WHERE x.`cycle_result_id` = r.`id`
		AND NOT EXISTS (SELECT 1 FROM `whole_units_0017` w WHERE w.`cycle_result_id` = r.`id` AND w.`unit_code` = json_extract(x.`result`, '$.id')));--> statement-breakpoint
DROP TABLE `results_whole_final_check`;--> statement-breakpoint
-- The triggers that keep final snapshots immutable are lifted for this one conversion and restored below.
DROP TRIGGER `cycle_results_final_no_update`;--> statement-breakpoint
DROP TRIGGER `unit_results_final_no_update`;--> statement-breakpoint
UPDATE `unit_results` SET (`result`, `position`, `summary`) = (
	SELECT w.`entry`, w.`position`, coalesce(`unit_results`.`summary`, w.`summary`) FROM `whole_units_0017` w
	WHERE w.`cycle_result_id` = `unit_results`.`cycle_result_id` AND w.`unit_code` = json_extract(`unit_results`.`result`, '$.id')
) WHERE `cycle_result_id` IN (SELECT `cycle_result_id` FROM `whole_frames_0017`);--> statement-breakpoint
UPDATE `cycle_results` SET `results_json` = (
	SELECT f.`head` || substr(`cycle_results`.`results_json`, length(f.`head`) + length(f.`units`) + 1) FROM `whole_frames_0017` f WHERE f.`cycle_result_id` = `cycle_results`.`id`
) WHERE `id` IN (SELECT `cycle_result_id` FROM `whole_frames_0017`);--> statement-breakpoint
CREATE TRIGGER `cycle_results_final_no_update` BEFORE UPDATE ON `cycle_results` WHEN OLD.kind = 'final'
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
DROP TABLE `whole_frames_0017`;--> statement-breakpoint
DROP TABLE `whole_units_0017`;--> statement-breakpoint
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
