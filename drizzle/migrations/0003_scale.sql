CREATE TABLE `project_facets` (
	`project_id` text NOT NULL,
	`modality` text NOT NULL,
	`language` text NOT NULL,
	`items` integer NOT NULL,
	PRIMARY KEY(`project_id`, `modality`, `language`),
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `project_facets` (`project_id`, `modality`, `language`, `items`)
	SELECT `project_id`, `modality`, `language`, count(*) FROM `items` GROUP BY `project_id`, `modality`, `language`;--> statement-breakpoint
CREATE TABLE `__new_evaluations` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`item_id` text NOT NULL,
	`evaluator_id` text NOT NULL,
	`rubric_id` text NOT NULL,
	`rubric_version` integer NOT NULL,
	`guideline_version_id` text,
	`scores` text NOT NULL,
	`flags` text NOT NULL,
	`tags` text NOT NULL,
	`spans` text NOT NULL,
	`rationale` text DEFAULT '' NOT NULL,
	`sources` text NOT NULL,
	`time_spent_ms` integer DEFAULT 0 NOT NULL,
	`state` text NOT NULL,
	`review_requested_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`submitted_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`evaluator_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rubric_id`) REFERENCES `rubrics`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_evaluations` SELECT e.`id`, i.`project_id`, e.`item_id`, e.`evaluator_id`, e.`rubric_id`,
	e.`rubric_version`, e.`guideline_version_id`, e.`scores`, e.`flags`, e.`tags`, e.`spans`, e.`rationale`,
	e.`sources`, e.`time_spent_ms`, e.`state`, e.`review_requested_at`, e.`created_at`, e.`updated_at`,
	e.`submitted_at`
	FROM `evaluations` e JOIN `items` i ON i.`id` = e.`item_id`;--> statement-breakpoint
DROP TABLE `evaluations`;--> statement-breakpoint
ALTER TABLE `__new_evaluations` RENAME TO `evaluations`;--> statement-breakpoint
CREATE UNIQUE INDEX `evaluations_item_evaluator` ON `evaluations` (`item_id`,`evaluator_id`);--> statement-breakpoint
CREATE INDEX `evaluations_evaluator` ON `evaluations` (`evaluator_id`);--> statement-breakpoint
CREATE INDEX `evaluations_project_evaluator` ON `evaluations` (`project_id`,`evaluator_id`,`state`,`review_requested_at`);--> statement-breakpoint
CREATE INDEX `evaluations_project_submitted` ON `evaluations` (`project_id`,`state`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `evaluations_review` ON `evaluations` (`evaluator_id`,`project_id`) WHERE review_requested_at is not null;--> statement-breakpoint
ALTER TABLE `items` ADD `submitted_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `items` ADD `wanted` integer DEFAULT true NOT NULL;--> statement-breakpoint
UPDATE `items` SET `submitted_count` = (SELECT count(*) FROM `evaluations` e WHERE e.`item_id` = `items`.`id` AND e.`state` = 'submitted');--> statement-breakpoint
UPDATE `items` SET `wanted` = `submitted_count` < coalesce((SELECT json_extract(p.`settings`, '$.overlap') FROM `projects` p WHERE p.`id` = `items`.`project_id`), 1);--> statement-breakpoint
CREATE INDEX `items_wanted` ON `items` (`project_id`,`wanted`,`created_at`,`id`);--> statement-breakpoint
ALTER TABLE `projects` ADD `evaluation_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `escalations_project_created` ON `escalations` (`project_id`,`created_at`,`id`);
