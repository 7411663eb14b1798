// Loads data for a page and exposes loading / error / data as runes, with reload().
import { ApiError } from './api';

export class Resource<T> {
	data = $state<T | null>(null);
	error = $state<ApiError | null>(null);
	loading = $state(true);

	constructor(private readonly loader: () => Promise<T>) {
		void this.reload();
	}

	async reload(): Promise<void> {
		this.loading = true;
		try {
			this.data = await this.loader();
			this.error = null;
		} catch (err) {
			this.error = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
		} finally {
			this.loading = false;
		}
	}
}
