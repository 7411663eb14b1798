CREATE INDEX `items_facets` ON `items` (`id`,`modality`,`language`);--> statement-breakpoint
CREATE INDEX `items_project_gold` ON `items` (`project_id`) WHERE gold is not null;