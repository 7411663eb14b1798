CREATE TABLE "judge_evaluations" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"judge_id" text NOT NULL,
	"item_id" text NOT NULL,
	"run_id" text,
	"source" text NOT NULL,
	"rubric_id" text NOT NULL,
	"rubric_version" integer NOT NULL,
	"guideline_version_id" text DEFAULT '' NOT NULL,
	"model" text NOT NULL,
	"prompt_hash" text NOT NULL,
	"scores" text NOT NULL,
	"flags" text NOT NULL,
	"rationale" text DEFAULT '' NOT NULL,
	"latency_ms" integer,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "judge_run_items" (
	"run_id" text NOT NULL,
	"item_id" text NOT NULL,
	"state" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"raw" text,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "judge_run_items_run_id_item_id_pk" PRIMARY KEY("run_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "judge_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"judge_id" text NOT NULL,
	"state" text NOT NULL,
	"selection" text NOT NULL,
	"prompt_hash" text NOT NULL,
	"guideline_version_id" text DEFAULT '' NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_by" text,
	"created_at" bigint NOT NULL,
	"started_at" bigint,
	"finished_at" bigint,
	"cancel_requested_at" bigint,
	"lease_until" bigint
);
--> statement-breakpoint
CREATE TABLE "judges" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"config" text NOT NULL,
	"created_by" text,
	"created_at" bigint NOT NULL,
	"archived_at" bigint
);
--> statement-breakpoint
ALTER TABLE "evaluations" ADD COLUMN "suggestion_id" text;--> statement-breakpoint
ALTER TABLE "judge_evaluations" ADD CONSTRAINT "judge_evaluations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judge_evaluations" ADD CONSTRAINT "judge_evaluations_judge_id_judges_id_fk" FOREIGN KEY ("judge_id") REFERENCES "public"."judges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judge_evaluations" ADD CONSTRAINT "judge_evaluations_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judge_evaluations" ADD CONSTRAINT "judge_evaluations_rubric_id_rubrics_id_fk" FOREIGN KEY ("rubric_id") REFERENCES "public"."rubrics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judge_run_items" ADD CONSTRAINT "judge_run_items_run_id_judge_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."judge_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judge_run_items" ADD CONSTRAINT "judge_run_items_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judge_runs" ADD CONSTRAINT "judge_runs_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judge_runs" ADD CONSTRAINT "judge_runs_judge_id_judges_id_fk" FOREIGN KEY ("judge_id") REFERENCES "public"."judges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judge_runs" ADD CONSTRAINT "judge_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judges" ADD CONSTRAINT "judges_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judges" ADD CONSTRAINT "judges_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "judge_evaluations_key" ON "judge_evaluations" USING btree ("judge_id","item_id","prompt_hash","guideline_version_id");--> statement-breakpoint
CREATE INDEX "judge_evaluations_project" ON "judge_evaluations" USING btree ("project_id","judge_id","created_at");--> statement-breakpoint
CREATE INDEX "judge_evaluations_item" ON "judge_evaluations" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "judge_run_items_state" ON "judge_run_items" USING btree ("run_id","state");--> statement-breakpoint
CREATE INDEX "judge_runs_judge" ON "judge_runs" USING btree ("judge_id","created_at");--> statement-breakpoint
CREATE INDEX "judge_runs_state" ON "judge_runs" USING btree ("state");--> statement-breakpoint
CREATE UNIQUE INDEX "judges_project_name" ON "judges" USING btree ("project_id","name");