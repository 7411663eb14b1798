CREATE INDEX "items_facets" ON "items" USING btree ("id","modality","language");--> statement-breakpoint
CREATE INDEX "items_project_gold" ON "items" USING btree ("project_id") WHERE gold is not null;