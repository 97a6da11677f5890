-- The package is stored per unit, like the results: cycle_results.package_json keeps the package
-- with an empty units array (its frame) and each unit_results row its entry (package_entry) at its
-- index (package_position); joined, they are the package's exact bytes. The SHA-256 columns become
-- nullable (a recompute leaves them empty; they are computed when first asked for), `revision`
-- counts the recomputes stored in a row, and `all_na` keeps what an incremental recompute warns
-- about. The triggers that keep final snapshots immutable are lifted for this one rewrite, which
-- changes no published byte (checked below: the migration stops, naming why, if a split would),
-- and restored at the end.
DROP TRIGGER `cycle_results_final_no_update`;--> statement-breakpoint
DROP TRIGGER `unit_results_final_no_update`;--> statement-breakpoint
DROP INDEX `cycle_results_meta_idx`;--> statement-breakpoint
DROP INDEX `unit_results_diff_idx`;--> statement-breakpoint
ALTER TABLE `unit_results` ADD `package_position` integer;--> statement-breakpoint
ALTER TABLE `unit_results` ADD `all_na` integer;--> statement-breakpoint
ALTER TABLE `cycle_results` ADD `revision` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `cycle_results` ADD `package_sha256_nullable` text;--> statement-breakpoint
ALTER TABLE `cycle_results` ADD `results_sha256_nullable` text;--> statement-breakpoint
UPDATE `cycle_results` SET `package_sha256_nullable` = `package_sha256`, `results_sha256_nullable` = `results_sha256`;--> statement-breakpoint
ALTER TABLE `cycle_results` DROP COLUMN `package_sha256`;--> statement-breakpoint
ALTER TABLE `cycle_results` DROP COLUMN `results_sha256`;--> statement-breakpoint
ALTER TABLE `cycle_results` RENAME COLUMN `package_sha256_nullable` TO `package_sha256`;--> statement-breakpoint
ALTER TABLE `cycle_results` RENAME COLUMN `results_sha256_nullable` TO `results_sha256`;--> statement-breakpoint
CREATE TABLE `package_entries_0018` (
	`cycle_result_id` integer NOT NULL,
	`unit_code` text NOT NULL,
	`position` integer NOT NULL,
	`entry` text NOT NULL,
	PRIMARY KEY (`cycle_result_id`, `unit_code`)
);--> statement-breakpoint
INSERT INTO `package_entries_0018` SELECT r.`id`, json_extract(e.`value`, '$.id'), e.`key`, e.`value` FROM `cycle_results` r, json_each(r.`package_json`, '$.units') e;--> statement-breakpoint
CREATE TABLE `package_units_0018` (`cycle_result_id` integer PRIMARY KEY, `units` text NOT NULL);--> statement-breakpoint
INSERT INTO `package_units_0018` SELECT `cycle_result_id`, '"units":[' || group_concat(`entry`, ',' ORDER BY `position`) || ']' FROM `package_entries_0018` GROUP BY `cycle_result_id`;--> statement-breakpoint
UPDATE `unit_results` SET (`package_entry`, `package_position`) = (
	SELECT p.`entry`, p.`position` FROM `package_entries_0018` p
	WHERE p.`cycle_result_id` = `unit_results`.`cycle_result_id` AND p.`unit_code` = json_extract(`unit_results`.`result`, '$.id')
);--> statement-breakpoint
-- Every unit row has its entry, every entry its row, and the entries joined stand verbatim in the package.
CREATE TABLE `results_package_split_check` (
	`id` integer,
	CONSTRAINT `评估数据包无法按单位拆分存储（单位结果与数据包不一致）` CHECK (`id` IS NULL)
);--> statement-breakpoint
INSERT INTO `results_package_split_check` SELECT r.`id` FROM `cycle_results` r LEFT JOIN `package_units_0018` u ON u.`cycle_result_id` = r.`id`
	WHERE u.`units` IS NULL
	OR EXISTS (SELECT 1 FROM `unit_results` x WHERE x.`cycle_result_id` = r.`id` AND x.`package_position` IS NULL)
	OR (SELECT count(*) FROM `unit_results` x WHERE x.`cycle_result_id` = r.`id`) != (SELECT count(*) FROM `package_entries_0018` p WHERE p.`cycle_result_id` = r.`id`)
	OR length(replace(r.`package_json`, u.`units`, '"units":[]')) != length(r.`package_json`) - length(u.`units`) + length('"units":[]');--> statement-breakpoint
DROP TABLE `results_package_split_check`;--> statement-breakpoint
UPDATE `cycle_results` SET `package_json` = replace(`package_json`, (SELECT `units` FROM `package_units_0018` u WHERE u.`cycle_result_id` = `cycle_results`.`id`), '"units":[]');--> statement-breakpoint
-- A preliminary row's units lack all_na: its next recompute rebuilds every unit (as for a null header hash).
UPDATE `cycle_results` SET `header_sha256` = NULL WHERE `kind` = 'preliminary';--> statement-breakpoint
DROP TABLE `package_units_0018`;--> statement-breakpoint
DROP TABLE `package_entries_0018`;--> statement-breakpoint
CREATE INDEX `cycle_results_meta_idx` ON `cycle_results` (`cycle_id`,`kind`,`revision`,`package_sha256`,`results_sha256`,`computed_at`,`computed_by`);--> statement-breakpoint
CREATE INDEX `unit_results_diff_idx` ON `unit_results` (`cycle_result_id`,`unit_id`,`input_sha256`,`rank`,`category_rank`,`position`,`package_position`,`all_na`,`total`);--> statement-breakpoint
CREATE INDEX `unit_results_package_idx` ON `unit_results` (`cycle_result_id`,`package_position`);--> statement-breakpoint
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
