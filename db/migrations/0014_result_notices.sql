CREATE TABLE `result_notices` (
	`cycle_id` integer PRIMARY KEY NOT NULL,
	`issuing_body` text NOT NULL,
	`doc_number` text NOT NULL,
	`title` text NOT NULL,
	`issued_on` text NOT NULL,
	`opening` text NOT NULL,
	`closing` text DEFAULT '' NOT NULL,
	`package_sha256` text NOT NULL,
	`results_sha256` text NOT NULL,
	`updated_by` integer,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`cycle_id`) REFERENCES `cycles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
