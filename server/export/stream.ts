// Turns a generator of text into a streamed HTTP response. The generator is pulled only when the client is
// ready for more (backpressure), about 64 KiB at a time, so memory stays bounded whatever the export's size.
// `release` runs exactly once when the stream ends, fails or the client goes away (it frees the snapshot).
import type { Logger } from '../logger';

const TARGET_CHUNK = 64 * 1024;

export interface Download {
	contentType: string;
	filename: string;
}

function contentDisposition(filename: string): string {
	const ascii = filename.replace(/[^A-Za-z0-9._-]/g, '_');
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function textStream(
	chunks: AsyncGenerator<string>,
	logger: Logger,
	release: () => Promise<void> | void = () => {}
): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	let released = false;
	const done = async () => {
		if (released) return;
		released = true;
		try {
			await release();
		} catch (err) {
			logger.error({ err }, 'export snapshot release failed');
		}
	};
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				let text = '';
				while (text.length < TARGET_CHUNK) {
					const next = await chunks.next();
					if (next.done) {
						if (text) controller.enqueue(encoder.encode(text));
						controller.close();
						await done();
						return;
					}
					text += next.value;
				}
				controller.enqueue(encoder.encode(text));
			} catch (err) {
				logger.error({ err }, 'export stream failed');
				controller.error(err);
				await done();
			}
		},
		async cancel() {
			try {
				// Closes the statement or cursor the writer is reading (after the read in flight, if any).
				await chunks.return(undefined);
			} catch (err) {
				logger.error({ err }, 'export stream failed while closing');
			} finally {
				await done();
			}
		}
	});
}

export function downloadResponse(
	chunks: AsyncGenerator<string>,
	download: Download,
	logger: Logger,
	release?: () => Promise<void> | void
): Response {
	return new Response(textStream(chunks, logger, release), {
		status: 200,
		headers: { 'Content-Type': download.contentType, 'Content-Disposition': contentDisposition(download.filename) }
	});
}
