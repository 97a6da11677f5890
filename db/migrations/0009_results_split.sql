ALTER TABLE `cycle_results` ADD `results_layout` text DEFAULT 'whole' NOT NULL;--> statement-breakpoint
ALTER TABLE `unit_results` ADD `position` integer;--> statement-breakpoint
CREATE INDEX `unit_results_diff_idx` ON `unit_results` (`cycle_result_id`,`unit_id`,`input_sha256`,`rank`,`category_rank`,`position`);--> statement-breakpoint
CREATE INDEX `unit_results_order_idx` ON `unit_results` (`cycle_result_id`,`position`,`rank`,`unit_id`,`summary`);