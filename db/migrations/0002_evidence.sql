CREATE TABLE `evidence_blobs` (
	`sha256` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`mime` text NOT NULL,
	`kind` text NOT NULL,
	`created_at` text NOT NULL,
	CONSTRAINT "evidence_blobs_sha_len" CHECK(length("evidence_blobs"."sha256") = 64),
	CONSTRAINT "evidence_blobs_size_pos" CHECK("evidence_blobs"."size" > 0)
);
--> statement-breakpoint
CREATE TABLE `evidence_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sha256` text NOT NULL,
	`original_name` text NOT NULL,
	`kind` text NOT NULL,
	`size` integer NOT NULL,
	`uploaded_by` integer,
	`uploaded_at` text NOT NULL,
	`owner_type` text NOT NULL,
	`owner_id` text NOT NULL,
	`unit_id` integer NOT NULL,
	`locked_at` text,
	`deleted_at` text,
	FOREIGN KEY (`sha256`) REFERENCES `evidence_blobs`(`sha256`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `evidence_files_owner_idx` ON `evidence_files` (`owner_type`,`owner_id`);--> statement-breakpoint
CREATE INDEX `evidence_files_unit_idx` ON `evidence_files` (`unit_id`);--> statement-breakpoint
CREATE INDEX `evidence_files_sha_idx` ON `evidence_files` (`sha256`);--> statement-breakpoint
CREATE TABLE `evidence_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`owner_type` text NOT NULL,
	`owner_id` text NOT NULL,
	`unit_id` integer NOT NULL,
	`url` text NOT NULL,
	`title` text NOT NULL,
	`created_by` integer,
	`created_at` text NOT NULL,
	`locked_at` text,
	`deleted_at` text,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `evidence_links_owner_idx` ON `evidence_links` (`owner_type`,`owner_id`);--> statement-breakpoint
CREATE INDEX `evidence_links_unit_idx` ON `evidence_links` (`unit_id`);