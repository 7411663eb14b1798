CREATE TABLE `item_media` (
	`item_id` text NOT NULL,
	`sha256` text NOT NULL,
	PRIMARY KEY(`item_id`, `sha256`),
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `item_media_sha` ON `item_media` (`sha256`);--> statement-breakpoint
CREATE TABLE `media_uploads` (
	`sha256` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`sha256`, `user_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Backfill: every /media/<sha256> `src` at any depth of an existing item's payload (the rule of server/domain/media-refs.ts).
INSERT OR IGNORE INTO `item_media` (`item_id`, `sha256`)
SELECT `items`.`id`, substr(t.value, 8) FROM `items`, json_tree(`items`.`payload`) AS t
WHERE t.key = 'src' AND t.type = 'text' AND length(t.value) = 71 AND substr(t.value, 1, 7) = '/media/' AND substr(t.value, 8) NOT GLOB '*[^0-9a-f]*';
