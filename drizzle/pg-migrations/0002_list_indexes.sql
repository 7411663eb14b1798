DROP INDEX "escalations_project_state";--> statement-breakpoint
DROP INDEX "items_project";--> statement-breakpoint
DROP INDEX "webhook_deliveries_webhook";--> statement-breakpoint
CREATE INDEX "escalations_project_opener" ON "escalations" USING btree ("project_id","opened_by");--> statement-breakpoint
CREATE INDEX "notifications_user_created" ON "notifications" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "escalations_project_state" ON "escalations" USING btree ("project_id","state","created_at","id");--> statement-breakpoint
CREATE INDEX "items_project" ON "items" USING btree ("project_id","created_at","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_webhook" ON "webhook_deliveries" USING btree ("webhook_id","created_at","id");