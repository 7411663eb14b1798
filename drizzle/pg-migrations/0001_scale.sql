CREATE TABLE "project_facets" (
	"project_id" text NOT NULL,
	"modality" text NOT NULL,
	"language" text NOT NULL,
	"items" integer NOT NULL,
	CONSTRAINT "project_facets_project_id_modality_language_pk" PRIMARY KEY("project_id","modality","language")
);
--> statement-breakpoint
ALTER TABLE "evaluations" ADD COLUMN "project_id" text;--> statement-breakpoint
UPDATE "evaluations" e SET "project_id" = i."project_id" FROM "items" i WHERE i."id" = e."item_id";--> statement-breakpoint
ALTER TABLE "evaluations" ALTER COLUMN "project_id" SET NOT NULL;--> statement-breakpoint
INSERT INTO "project_facets" ("project_id", "modality", "language", "items")
	SELECT "project_id", "modality", "language", count(*) FROM "items" GROUP BY "project_id", "modality", "language";--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "submitted_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "wanted" boolean DEFAULT true NOT NULL;--> statement-breakpoint
UPDATE "items" SET "submitted_count" = (SELECT count(*) FROM "evaluations" e WHERE e."item_id" = "items"."id" AND e."state" = 'submitted');--> statement-breakpoint
UPDATE "items" SET "wanted" = "submitted_count" < coalesce((SELECT (p."settings"::json->>'overlap')::int FROM "projects" p WHERE p."id" = "items"."project_id"), 1);--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "evaluation_seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "project_facets" ADD CONSTRAINT "project_facets_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "escalations_project_created" ON "escalations" USING btree ("project_id","created_at","id");--> statement-breakpoint
CREATE INDEX "evaluations_project_evaluator" ON "evaluations" USING btree ("project_id","evaluator_id","state","review_requested_at");--> statement-breakpoint
CREATE INDEX "evaluations_project_submitted" ON "evaluations" USING btree ("project_id","state","submitted_at");--> statement-breakpoint
CREATE INDEX "evaluations_review" ON "evaluations" USING btree ("evaluator_id","project_id") WHERE review_requested_at is not null;--> statement-breakpoint
CREATE INDEX "items_wanted" ON "items" USING btree ("project_id","wanted","created_at","id");