PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_evidence_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sha256` text NOT NULL,
	`original_name` text NOT NULL,
	`kind` text NOT NULL,
	`size` integer NOT NULL,
	`uploaded_by` integer,
	`uploaded_at` text NOT NULL,
	`owner_type` text NOT NULL,
	`owner_id` text NOT NULL,
	`submission_id` integer,
	`node_id` integer,
	`finding_id` integer,
	`rectification_id` integer,
	`appeal_id` integer,
	`unit_id` integer NOT NULL,
	`locked_at` text,
	`deleted_at` text,
	FOREIGN KEY (`sha256`) REFERENCES `evidence_blobs`(`sha256`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`node_id`) REFERENCES `indicator_nodes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`finding_id`) REFERENCES `findings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rectification_id`) REFERENCES `rectifications`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "evidence_files_owner_typed" CHECK(("__new_evidence_files"."owner_type" = 'submission_leaf' AND "__new_evidence_files"."submission_id" IS NOT NULL AND "__new_evidence_files"."node_id" IS NOT NULL AND "__new_evidence_files"."finding_id" IS NULL AND "__new_evidence_files"."rectification_id" IS NULL AND "__new_evidence_files"."appeal_id" IS NULL AND "__new_evidence_files"."owner_id" = "__new_evidence_files"."submission_id" || ':' || "__new_evidence_files"."node_id")
    OR ("__new_evidence_files"."owner_type" = 'finding' AND "__new_evidence_files"."submission_id" IS NULL AND "__new_evidence_files"."node_id" IS NULL AND "__new_evidence_files"."finding_id" IS NOT NULL AND "__new_evidence_files"."rectification_id" IS NULL AND "__new_evidence_files"."appeal_id" IS NULL AND "__new_evidence_files"."owner_id" = CAST("__new_evidence_files"."finding_id" AS TEXT))
    OR ("__new_evidence_files"."owner_type" = 'rectification' AND "__new_evidence_files"."submission_id" IS NULL AND "__new_evidence_files"."node_id" IS NULL AND "__new_evidence_files"."finding_id" IS NULL AND "__new_evidence_files"."rectification_id" IS NOT NULL AND "__new_evidence_files"."appeal_id" IS NULL AND "__new_evidence_files"."owner_id" = CAST("__new_evidence_files"."rectification_id" AS TEXT))
    OR ("__new_evidence_files"."owner_type" = 'appeal' AND "__new_evidence_files"."submission_id" IS NULL AND "__new_evidence_files"."node_id" IS NULL AND "__new_evidence_files"."finding_id" IS NULL AND "__new_evidence_files"."rectification_id" IS NULL AND "__new_evidence_files"."appeal_id" IS NOT NULL AND "__new_evidence_files"."owner_id" = CAST("__new_evidence_files"."appeal_id" AS TEXT))
    OR ("__new_evidence_files"."deleted_at" IS NOT NULL AND "__new_evidence_files"."submission_id" IS NULL AND "__new_evidence_files"."node_id" IS NULL AND "__new_evidence_files"."finding_id" IS NULL AND "__new_evidence_files"."rectification_id" IS NULL AND "__new_evidence_files"."appeal_id" IS NULL))
);
--> statement-breakpoint
-- Each row's owner becomes typed references; a row whose owner is gone is kept, deleted, without references.
INSERT INTO `__new_evidence_files`("id", "sha256", "original_name", "kind", "size", "uploaded_by", "uploaded_at", "owner_type", "owner_id", "submission_id", "node_id", "finding_id", "rectification_id", "appeal_id", "unit_id", "locked_at", "deleted_at")
SELECT o."id", o."sha256", o."original_name", o."kind", o."size", o."uploaded_by", o."uploaded_at", o."owner_type", o."owner_id",
  CASE WHEN o.owned THEN o.sid END, CASE WHEN o.owned THEN o.nid END, CASE WHEN o.owned THEN o.fid END, CASE WHEN o.owned THEN o.rid END, CASE WHEN o.owned THEN o.aid END,
  o."unit_id", o."locked_at", CASE WHEN o.owned THEN o."deleted_at" ELSE COALESCE(o."deleted_at", strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) END
FROM (
  SELECT r.*, CASE r."owner_type"
      WHEN 'submission_leaf' THEN r.sid IS NOT NULL AND r.nid IS NOT NULL AND r."owner_id" = r.sid || ':' || r.nid
      WHEN 'finding' THEN r.fid IS NOT NULL AND r."owner_id" = CAST(r.fid AS TEXT)
      WHEN 'rectification' THEN r.rid IS NOT NULL AND r."owner_id" = CAST(r.rid AS TEXT)
      WHEN 'appeal' THEN r.aid IS NOT NULL AND r."owner_id" = CAST(r.aid AS TEXT)
      ELSE 0 END AS owned
  FROM (
    SELECT e.*,
      (SELECT s."id" FROM `submissions` s WHERE e."owner_type" = 'submission_leaf' AND instr(e."owner_id", ':') > 0 AND s."id" = CAST(substr(e."owner_id", 1, instr(e."owner_id", ':') - 1) AS INTEGER)) AS sid,
      (SELECT n."id" FROM `indicator_nodes` n WHERE e."owner_type" = 'submission_leaf' AND instr(e."owner_id", ':') > 0 AND n."id" = CAST(substr(e."owner_id", instr(e."owner_id", ':') + 1) AS INTEGER)) AS nid,
      (SELECT f."id" FROM `findings` f WHERE e."owner_type" = 'finding' AND f."id" = CAST(e."owner_id" AS INTEGER)) AS fid,
      (SELECT x."id" FROM `rectifications` x WHERE e."owner_type" = 'rectification' AND x."id" = CAST(e."owner_id" AS INTEGER)) AS rid,
      (SELECT a."id" FROM `appeals` a WHERE e."owner_type" = 'appeal' AND a."id" = CAST(e."owner_id" AS INTEGER)) AS aid
    FROM `evidence_files` e
  ) r
) o;--> statement-breakpoint
DROP TABLE `evidence_files`;--> statement-breakpoint
ALTER TABLE `__new_evidence_files` RENAME TO `evidence_files`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `evidence_files_owner_idx` ON `evidence_files` (`owner_type`,`owner_id`);--> statement-breakpoint
CREATE INDEX `evidence_files_node_idx` ON `evidence_files` (`node_id`);--> statement-breakpoint
CREATE INDEX `evidence_files_unit_idx` ON `evidence_files` (`unit_id`);--> statement-breakpoint
CREATE INDEX `evidence_files_sha_idx` ON `evidence_files` (`sha256`);--> statement-breakpoint
CREATE TABLE `__new_evidence_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`owner_type` text NOT NULL,
	`owner_id` text NOT NULL,
	`submission_id` integer,
	`node_id` integer,
	`finding_id` integer,
	`rectification_id` integer,
	`appeal_id` integer,
	`unit_id` integer NOT NULL,
	`url` text NOT NULL,
	`title` text NOT NULL,
	`created_by` integer,
	`created_at` text NOT NULL,
	`locked_at` text,
	`deleted_at` text,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`node_id`) REFERENCES `indicator_nodes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`finding_id`) REFERENCES `findings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rectification_id`) REFERENCES `rectifications`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`appeal_id`) REFERENCES `appeals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "evidence_links_owner_typed" CHECK(("__new_evidence_links"."owner_type" = 'submission_leaf' AND "__new_evidence_links"."submission_id" IS NOT NULL AND "__new_evidence_links"."node_id" IS NOT NULL AND "__new_evidence_links"."finding_id" IS NULL AND "__new_evidence_links"."rectification_id" IS NULL AND "__new_evidence_links"."appeal_id" IS NULL AND "__new_evidence_links"."owner_id" = "__new_evidence_links"."submission_id" || ':' || "__new_evidence_links"."node_id")
    OR ("__new_evidence_links"."owner_type" = 'finding' AND "__new_evidence_links"."submission_id" IS NULL AND "__new_evidence_links"."node_id" IS NULL AND "__new_evidence_links"."finding_id" IS NOT NULL AND "__new_evidence_links"."rectification_id" IS NULL AND "__new_evidence_links"."appeal_id" IS NULL AND "__new_evidence_links"."owner_id" = CAST("__new_evidence_links"."finding_id" AS TEXT))
    OR ("__new_evidence_links"."owner_type" = 'rectification' AND "__new_evidence_links"."submission_id" IS NULL AND "__new_evidence_links"."node_id" IS NULL AND "__new_evidence_links"."finding_id" IS NULL AND "__new_evidence_links"."rectification_id" IS NOT NULL AND "__new_evidence_links"."appeal_id" IS NULL AND "__new_evidence_links"."owner_id" = CAST("__new_evidence_links"."rectification_id" AS TEXT))
    OR ("__new_evidence_links"."owner_type" = 'appeal' AND "__new_evidence_links"."submission_id" IS NULL AND "__new_evidence_links"."node_id" IS NULL AND "__new_evidence_links"."finding_id" IS NULL AND "__new_evidence_links"."rectification_id" IS NULL AND "__new_evidence_links"."appeal_id" IS NOT NULL AND "__new_evidence_links"."owner_id" = CAST("__new_evidence_links"."appeal_id" AS TEXT))
    OR ("__new_evidence_links"."deleted_at" IS NOT NULL AND "__new_evidence_links"."submission_id" IS NULL AND "__new_evidence_links"."node_id" IS NULL AND "__new_evidence_links"."finding_id" IS NULL AND "__new_evidence_links"."rectification_id" IS NULL AND "__new_evidence_links"."appeal_id" IS NULL))
);
--> statement-breakpoint
INSERT INTO `__new_evidence_links`("id", "owner_type", "owner_id", "submission_id", "node_id", "finding_id", "rectification_id", "appeal_id", "unit_id", "url", "title", "created_by", "created_at", "locked_at", "deleted_at")
SELECT o."id", o."owner_type", o."owner_id",
  CASE WHEN o.owned THEN o.sid END, CASE WHEN o.owned THEN o.nid END, CASE WHEN o.owned THEN o.fid END, CASE WHEN o.owned THEN o.rid END, CASE WHEN o.owned THEN o.aid END,
  o."unit_id", o."url", o."title", o."created_by", o."created_at", o."locked_at", CASE WHEN o.owned THEN o."deleted_at" ELSE COALESCE(o."deleted_at", strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) END
FROM (
  SELECT r.*, CASE r."owner_type"
      WHEN 'submission_leaf' THEN r.sid IS NOT NULL AND r.nid IS NOT NULL AND r."owner_id" = r.sid || ':' || r.nid
      WHEN 'finding' THEN r.fid IS NOT NULL AND r."owner_id" = CAST(r.fid AS TEXT)
      WHEN 'rectification' THEN r.rid IS NOT NULL AND r."owner_id" = CAST(r.rid AS TEXT)
      WHEN 'appeal' THEN r.aid IS NOT NULL AND r."owner_id" = CAST(r.aid AS TEXT)
      ELSE 0 END AS owned
  FROM (
    SELECT e.*,
      (SELECT s."id" FROM `submissions` s WHERE e."owner_type" = 'submission_leaf' AND instr(e."owner_id", ':') > 0 AND s."id" = CAST(substr(e."owner_id", 1, instr(e."owner_id", ':') - 1) AS INTEGER)) AS sid,
      (SELECT n."id" FROM `indicator_nodes` n WHERE e."owner_type" = 'submission_leaf' AND instr(e."owner_id", ':') > 0 AND n."id" = CAST(substr(e."owner_id", instr(e."owner_id", ':') + 1) AS INTEGER)) AS nid,
      (SELECT f."id" FROM `findings` f WHERE e."owner_type" = 'finding' AND f."id" = CAST(e."owner_id" AS INTEGER)) AS fid,
      (SELECT x."id" FROM `rectifications` x WHERE e."owner_type" = 'rectification' AND x."id" = CAST(e."owner_id" AS INTEGER)) AS rid,
      (SELECT a."id" FROM `appeals` a WHERE e."owner_type" = 'appeal' AND a."id" = CAST(e."owner_id" AS INTEGER)) AS aid
    FROM `evidence_links` e
  ) r
) o;--> statement-breakpoint
DROP TABLE `evidence_links`;--> statement-breakpoint
ALTER TABLE `__new_evidence_links` RENAME TO `evidence_links`;--> statement-breakpoint
CREATE INDEX `evidence_links_owner_idx` ON `evidence_links` (`owner_type`,`owner_id`);--> statement-breakpoint
CREATE INDEX `evidence_links_node_idx` ON `evidence_links` (`node_id`);--> statement-breakpoint
CREATE INDEX `evidence_links_unit_idx` ON `evidence_links` (`unit_id`);