ALTER TABLE `unit_results` ADD `input_sha256` text;--> statement-breakpoint
ALTER TABLE `unit_results` ADD `summary` text;--> statement-breakpoint
CREATE INDEX `unit_results_rank_idx` ON `unit_results` (`cycle_result_id`,`rank`);