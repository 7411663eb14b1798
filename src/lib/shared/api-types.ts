// Response shapes of the REST API as the browser sees them (the server builds them from the same types).
import type { Item } from './items';
import type { JudgeSettings } from './judges';
import type { ProjectRole, Role } from './roles';

interface ProjectSettingsView {
	overlap: number;
	agreementThreshold: number;
	minEvaluations: number;
	dimensionThresholds?: Record<string, number>;
	judges?: JudgeSettings;
}

export interface ProjectView {
	id: string;
	name: string;
	description: string;
	settings: ProjectSettingsView;
	createdAt: number;
	/** The caller's role: their membership's, or 'admin' in a project an admin is not a member of. */
	role: ProjectRole | null;
}

export interface ItemSummary extends Item {
	evaluationCount: number;
	myState: 'draft' | 'submitted' | null;
}

export interface Member {
	id: string;
	name: string;
	email: string;
	role: Role;
}

/** One in-app notification of the signed-in user (GET /api/notifications). */
export interface NotificationView {
	id: string;
	projectId: string | null;
	/** The project's name, so an entry says where it happened. */
	projectName: string | null;
	/** The item it is about (its external id when it has one), when it is about an item. */
	itemName: string | null;
	kind: string;
	data: Record<string, unknown>;
	createdAt: number;
	readAt: number | null;
}
