CREATE TABLE `judge_evaluations` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`judge_id` text NOT NULL,
	`item_id` text NOT NULL,
	`run_id` text,
	`source` text NOT NULL,
	`rubric_id` text NOT NULL,
	`rubric_version` integer NOT NULL,
	`guideline_version_id` text DEFAULT '' NOT NULL,
	`model` text NOT NULL,
	`prompt_hash` text NOT NULL,
	`scores` text NOT NULL,
	`flags` text NOT NULL,
	`rationale` text DEFAULT '' NOT NULL,
	`latency_ms` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`judge_id`) REFERENCES `judges`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`rubric_id`) REFERENCES `rubrics`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `judge_evaluations_key` ON `judge_evaluations` (`judge_id`,`item_id`,`prompt_hash`,`guideline_version_id`);--> statement-breakpoint
CREATE INDEX `judge_evaluations_project` ON `judge_evaluations` (`project_id`,`judge_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `judge_evaluations_item` ON `judge_evaluations` (`item_id`);--> statement-breakpoint
CREATE TABLE `judge_run_items` (
	`run_id` text NOT NULL,
	`item_id` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error` text,
	`raw` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`run_id`, `item_id`),
	FOREIGN KEY (`run_id`) REFERENCES `judge_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `judge_run_items_state` ON `judge_run_items` (`run_id`,`state`);--> statement-breakpoint
CREATE TABLE `judge_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`judge_id` text NOT NULL,
	`state` text NOT NULL,
	`selection` text NOT NULL,
	`prompt_hash` text NOT NULL,
	`guideline_version_id` text DEFAULT '' NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`cancel_requested_at` integer,
	`lease_until` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`judge_id`) REFERENCES `judges`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `judge_runs_judge` ON `judge_runs` (`judge_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `judge_runs_state` ON `judge_runs` (`state`);--> statement-breakpoint
CREATE TABLE `judges` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`config` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`archived_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `judges_project_name` ON `judges` (`project_id`,`name`);--> statement-breakpoint
ALTER TABLE `evaluations` ADD `suggestion_id` text;