// The signed-in user and their project roles, loaded once and shared by every page.
import { api } from './api';
import type { Membership, ProjectRole, User } from '$lib/shared/roles';
import { i18n, type Locale, LOCALES } from '$lib/i18n/index.svelte';

class Session {
	user = $state<User | null>(null);
	memberships = $state<Membership[]>([]);
	loaded = $state(false);

	async load(): Promise<User | null> {
		// Signed out is an answer ({ user: null }), not a 401: nothing is logged in the console for a visitor.
		const me = await api.get<{ user: User | null; memberships: Membership[] }>('/api/auth/session');
		this.user = me.user;
		this.memberships = me.memberships;
		const locale = me.user?.locale;
		if (locale && (LOCALES as readonly string[]).includes(locale) && locale !== i18n.locale) i18n.set(locale as Locale);
		this.loaded = true;
		return this.user;
	}

	/** Signs in and loads the user; rejects with an ApiError (e.g. wrong credentials). */
	async signIn(email: string, password: string): Promise<User | null> {
		await api.post('/api/auth/login', { email, password });
		return this.load();
	}

	/** The role the user acts with in a project: their membership's, else 'admin' for an admin, else null. */
	roleIn(projectId: string): ProjectRole | null {
		return this.memberships.find((m) => m.projectId === projectId)?.role ?? (this.user?.isAdmin ? 'admin' : null);
	}

	/** Whether the user is a member of the project (an admin may open it without being one). */
	isMember(projectId: string): boolean {
		return this.memberships.some((m) => m.projectId === projectId);
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
