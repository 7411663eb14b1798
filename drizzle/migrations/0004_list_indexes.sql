DROP INDEX `escalations_project_state`;--> statement-breakpoint
CREATE INDEX `escalations_project_opener` ON `escalations` (`project_id`,`opened_by`);--> statement-breakpoint
CREATE INDEX `escalations_project_state` ON `escalations` (`project_id`,`state`,`created_at`,`id`);--> statement-breakpoint
DROP INDEX `items_project`;--> statement-breakpoint
CREATE INDEX `items_project` ON `items` (`project_id`,`created_at`,`id`);--> statement-breakpoint
DROP INDEX `webhook_deliveries_webhook`;--> statement-breakpoint
CREATE INDEX `webhook_deliveries_webhook` ON `webhook_deliveries` (`webhook_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_user_created` ON `notifications` (`user_id`,`created_at`,`id`);