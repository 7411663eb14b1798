// The signed-in user and their project roles, loaded once and shared by every page.
import { api, ApiError } from './api';
import type { Membership, Role, User } from '$lib/shared/roles';
import { i18n, type Locale, LOCALES } from '$lib/i18n/index.svelte';

class Session {
	user = $state<User | null>(null);
	memberships = $state<Membership[]>([]);
	loaded = $state(false);

	async load(): Promise<User | null> {
		try {
			const me = await api.get<{ user: User; memberships: Membership[] }>('/api/me');
			this.user = me.user;
			this.memberships = me.memberships;
			if (me.user.locale && (LOCALES as readonly string[]).includes(me.user.locale) && me.user.locale !== i18n.locale)
				i18n.set(me.user.locale as Locale);
		} catch (err) {
			if (!(err instanceof ApiError) || err.status !== 401) throw err;
			this.user = null;
			this.memberships = [];
		}
		this.loaded = true;
		return this.user;
	}

	/** Signs in and loads the user; rejects with an ApiError (e.g. wrong credentials). */
	async signIn(email: string, password: string): Promise<User | null> {
		await api.post('/api/auth/login', { email, password });
		return this.load();
	}

	roleIn(projectId: string): Role | null {
		return this.memberships.find((m) => m.projectId === projectId)?.role ?? null;
	}

	async setLocale(locale: Locale) {
		i18n.set(locale);
		if (this.user) await api.patch('/api/me', { locale });
	}

	async signOut() {
		await api.post('/api/auth/logout');
		this.user = null;
		this.memberships = [];
	}
}

export const session = new Session();
