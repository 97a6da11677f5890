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
DROP INDEX `unit_results_rank_idx`;
