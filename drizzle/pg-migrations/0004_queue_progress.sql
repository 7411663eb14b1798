DROP INDEX "evaluations_project_evaluator";--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "touched" boolean DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE "items" SET "touched" = true WHERE EXISTS (SELECT 1 FROM "assignments" a WHERE a."item_id" = "items"."id") OR EXISTS (SELECT 1 FROM "evaluations" e WHERE e."item_id" = "items"."id");--> statement-breakpoint
CREATE INDEX "items_untouched" ON "items" USING btree ("project_id","wanted","touched","modality","language");--> statement-breakpoint
CREATE INDEX "evaluations_project_evaluator" ON "evaluations" USING btree ("project_id","evaluator_id","state","review_requested_at","item_id");
