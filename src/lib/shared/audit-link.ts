// Where an audit entry leads: the app path of the thing it changed, computed in this one place so the audit page,
// the admin page and the CSV download (made absolute there) agree. Pure; null when no page shows the thing (a
// sign-in, a token, something outside any project).

export interface AuditLinkInput {
	projectId: string | null;
	action: string;
	entityType: string;
	entityId: string;
	detail: unknown;
}

function field(detail: unknown, key: string): string | null {
	if (typeof detail !== 'object' || detail === null) return null;
	const value = (detail as Record<string, unknown>)[key];
	return typeof value === 'string' && value !== '' ? value : null;
}

const segment = encodeURIComponent;

export function auditLink(entry: AuditLinkInput): string | null {
	const { projectId, entityType, entityId, detail, action } = entry;
	if (projectId === null) return entityType === 'token' ? '/account' : null;
	const project = `/projects/${segment(projectId)}`;
	const itemPage = (itemId: string | null) => (itemId ? `${project}/items/${segment(itemId)}` : null);
	switch (entityType) {
		case 'item':
			return itemPage(entityId);
		case 'evaluation':
			return itemPage(field(detail, 'itemId'));
		case 'calibration':
			return `${project}/calibrations/${segment(entityId)}`;
		case 'escalation':
			return `${project}/escalations/${segment(entityId)}`;
		case 'guideline':
			return `${project}/guidelines/${segment(entityId)}`;
		case 'guideline_version': {
			const guidelineId = field(detail, 'guidelineId');
			return guidelineId ? `${project}/guidelines/${segment(guidelineId)}` : null;
		}
		case 'webhook':
			return `${project}/export`;
		case 'judge':
			return `${project}/judges/${segment(entityId)}`;
		case 'judge_run': {
			const judgeId = field(detail, 'judgeId');
			return judgeId ? `${project}/judges/${segment(judgeId)}` : `${project}/judges`;
		}
		case 'project':
			if (action === 'items.import') return `${project}/import`;
			if (action === 'judge.import') return `${project}/judges`;
			if (action === 'judge.settings') return `${project}/judges/settings`;
			if (action.startsWith('export.')) return `${project}/export`;
			return project;
		// Members (membership.*, invitation.*) and rubrics are managed from the project's own pages.
		default:
			return project;
	}
}
