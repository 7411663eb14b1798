DROP INDEX `evaluations_project_evaluator`;--> statement-breakpoint
CREATE INDEX `evaluations_project_evaluator` ON `evaluations` (`project_id`,`evaluator_id`,`state`,`review_requested_at`,`item_id`);--> statement-breakpoint
ALTER TABLE `items` ADD `touched` integer DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE `items` SET `touched` = 1 WHERE EXISTS (SELECT 1 FROM `assignments` a WHERE a.`item_id` = `items`.`id`) OR EXISTS (SELECT 1 FROM `evaluations` e WHERE e.`item_id` = `items`.`id`);--> statement-breakpoint
CREATE INDEX `items_untouched` ON `items` (`project_id`,`wanted`,`touched`,`modality`,`language`);
