// The "Humans and judges" report for the agreement dashboard: one Query, reloaded when the project or the
// dashboard's filters change (the last answer stays on screen meanwhile).
import { api } from './api';
import { Query } from './query.svelte';
import type { JudgeAgreementReport } from '$lib/shared/judge-agreement';

export const judgeAgreementReport = (scope: () => { pid: string; query: Record<string, string> }) =>
	new Query<JudgeAgreementReport>((signal) => {
		const { pid, query } = scope();
		return api.get<JudgeAgreementReport>(`/api/projects/${pid}/agreement/judges`, query, signal);
	});
