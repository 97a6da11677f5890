-- A recompute that only moves a unit (ranks or place) now updates its rank and place columns and
-- leaves its entry and summary texts as scored; readers take the ranks from the columns, so the
-- covering order index gains category_rank. Each unit row of a preliminary results row is marked with
-- the revision it was last written at, so a reader holding every summary of an earlier revision
-- re-reads only the rows a recompute wrote. Rows stored before this migration carry their current
-- ranks in their texts and have no mark (a reader that finds rows missing reads them all).
CREATE TABLE `unit_results_written` (
	`cycle_result_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`revision` integer NOT NULL,
	PRIMARY KEY(`cycle_result_id`, `unit_id`),
	FOREIGN KEY (`cycle_result_id`) REFERENCES `cycle_results`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `unit_results_written_revision_idx` ON `unit_results_written` (`cycle_result_id`,`revision`);--> statement-breakpoint
DROP INDEX `unit_results_order_idx`;--> statement-breakpoint
CREATE INDEX `unit_results_order_idx` ON `unit_results` (`cycle_result_id`,`position`,`rank`,`category_rank`,`unit_id`,`summary`);