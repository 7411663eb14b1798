// The demo's finished calibration session as data: who took part, the four ambiguous text items, every blind
// sheet of both rounds, the consensus per item, and the discussion. Minutes are counted from the session's start.
// Sheets follow the demo rubric's text dimensions (safety is binary 1/0; error_type a category key).
type Sheet = { who: string; scores: Record<string, string | number>; rationale: string };
const s = (
	correctness: number,
	relevance: number,
	helpfulness: number,
	clarity: number,
	tone_register: number,
	error_type: string,
	safety = 1
) => ({ correctness, relevance, helpfulness, clarity, tone_register, safety, error_type });
const ANA = 'ana@demo.test';
const BEN = 'ben@demo.test';
const CHEN = 'chen@demo.test';

export const SESSION = {
	title: 'Calibração — semana 45: registro e tom',
	lead: 'lead@demo.test',
	participants: [ANA, BEN, CHEN],
	names: { [ANA]: 'Ana Souza', [BEN]: 'Ben Carter', [CHEN]: 'Chen Wei', 'lead@demo.test': 'Lea Lima' } as Record<
		string,
		string
	>,
	rounds: [
		{ round: 1, start: 0, reveal: 22 },
		{ round: 2, start: 41, reveal: 58 }
	],
	closedAt: 66,
	items: [
		{
			externalId: 'atlas-text-006',
			round1: [
				{
					who: ANA,
					scores: s(5, 5, 4, 4, 2, 'wrong_register'),
					rationale:
						'Prazo de 7 dias do art. 49 do CDC está certo, mas o texto é português europeu: “receção”, “telemóvel”, “contacte”.'
				},
				{
					who: BEN,
					scores: s(5, 5, 4, 4, 4, 'none'),
					rationale: 'Legally accurate: 7 days from delivery, CDC art. 49. Reads fine to me.'
				},
				{ who: CHEN, scores: s(4, 5, 4, 4, 5, 'none'), rationale: 'Correct deadline; slightly formal but clear.' }
			] as Sheet[],
			round2: [
				{
					who: ANA,
					scores: s(5, 5, 4, 4, 2, 'wrong_register'),
					rationale: 'Mantenho: conteúdo certo, registro de Portugal.'
				},
				{
					who: BEN,
					scores: s(5, 5, 4, 4, 2, 'wrong_register'),
					rationale: 'After the discussion: the guideline asks for Brazilian Portuguese, so register is the main error.'
				},
				{
					who: CHEN,
					scores: s(5, 5, 4, 4, 3, 'wrong_register'),
					rationale: 'European spelling and vocabulary; content is right.'
				}
			] as Sheet[],
			consensus: {
				minute: 60,
				scores: s(5, 5, 4, 4, 2, 'wrong_register'),
				note: 'Conteúdo correto (CDC art. 49, 7 dias), mas escrito em português europeu (“receção”, “telemóvel”). Em itens pt-BR, registro/tom = 2 e erro principal = registro inadequado.'
			}
		},
		{
			externalId: 'atlas-text-012',
			round1: [
				{
					who: ANA,
					scores: s(5, 5, 5, 5, 5, 'none'),
					rationale: 'Uma padaria em BH falando “uai” e “trem bão” é charme, não erro.'
				},
				{
					who: BEN,
					scores: s(5, 4, 3, 4, 2, 'wrong_register'),
					rationale: 'Heavy regional slang for a brand caption; I would not ship it.'
				},
				{
					who: CHEN,
					scores: s(5, 5, 4, 4, 3, 'wrong_register'),
					rationale: 'Regionalisms may alienate customers outside Minas.'
				}
			] as Sheet[],
			round2: [
				{
					who: ANA,
					scores: s(5, 5, 4, 4, 4, 'none'),
					rationale: 'Regionalismo adequado ao público local; “uai” duas vezes é um pouco demais.'
				},
				{
					who: BEN,
					scores: s(5, 5, 4, 4, 4, 'none'),
					rationale: 'Agreed in discussion: the audience is local, so regional flavour fits.'
				},
				{ who: CHEN, scores: s(5, 5, 4, 4, 4, 'none'), rationale: 'Fits a Belo Horizonte bakery; minor overuse.' }
			] as Sheet[],
			consensus: {
				minute: 62,
				scores: s(5, 5, 4, 4, 4, 'none'),
				note: 'Regionalismos mineiros combinam com uma padaria de Belo Horizonte: não é erro de registro. Tom = 4 porque a repetição de “uai” soa caricata.'
			}
		},
		{
			externalId: 'atlas-text-011',
			round1: [
				{
					who: ANA,
					scores: s(5, 5, 3, 4, 2, 'none'),
					rationale: 'Botanically right, but “simply wrong” is dismissive and it ignores the culinary sense.'
				},
				{ who: BEN, scores: s(5, 5, 4, 5, 4, 'none'), rationale: 'Correct and concise.' },
				{
					who: CHEN,
					scores: s(4, 4, 2, 4, 3, 'omission'),
					rationale: 'Misses the culinary / legal classification (Nix v. Hedden).'
				}
			] as Sheet[],
			round2: [
				{
					who: ANA,
					scores: s(5, 5, 3, 4, 3, 'omission'),
					rationale: 'Omission of the culinary sense is the main issue; tone a bit curt.'
				},
				{ who: BEN, scores: s(5, 5, 3, 4, 3, 'omission'), rationale: 'Re-scored: the question invites both senses.' },
				{ who: CHEN, scores: s(5, 5, 3, 4, 3, 'omission'), rationale: 'Correct but incomplete.' }
			] as Sheet[],
			consensus: {
				minute: 64,
				scores: s(5, 5, 3, 4, 3, 'omission'),
				note: 'Correct botanically; the main error is the omission of the culinary sense. Tone 3: “simply wrong” talks down to the user.'
			}
		},
		{
			externalId: 'atlas-text-002',
			round1: [
				{
					who: ANA,
					scores: s(2, 5, 3, 4, 4, 'factual_error'),
					rationale: 'The Wall fell on 9 November 1989, not 1991.'
				},
				{
					who: BEN,
					scores: s(2, 5, 3, 4, 4, 'factual_error'),
					rationale: 'Wrong year (1991 is the USSR dissolution).'
				},
				{
					who: CHEN,
					scores: s(1, 5, 2, 4, 4, 'factual_error'),
					rationale: 'Headline fact wrong; the answer is unusable.'
				}
			] as Sheet[],
			round2: null,
			consensus: {
				minute: 30,
				scores: s(2, 5, 3, 4, 4, 'factual_error'),
				note: 'One wrong date in an otherwise right answer: correctness 2, not 1.'
			}
		}
	],
	discussion: [
		{
			item: 0,
			minute: 24,
			who: ANA,
			on: { who: BEN, dimension: 'tone_register' },
			text: 'Ben, “receção” e “telemóvel” são de Portugal. Our guideline says pt-BR items must read as Brazilian Portuguese.',
			replies: [{ who: BEN, text: 'Fair — I only checked the law. I will re-score register.' }],
			agree: [CHEN, BEN]
		},
		{
			item: 0,
			minute: 26,
			who: CHEN,
			on: null,
			text: 'Should this be error_type = wrong_register even when the content is perfect?',
			replies: [{ who: ANA, text: 'Sim: the main error is the one a Brazilian reader notices first.' }],
			agree: [ANA]
		},
		{
			item: 1,
			minute: 31,
			who: BEN,
			on: { who: ANA, dimension: 'tone_register' },
			text: 'A 5 for “uai” in a brand caption feels generous.',
			replies: [
				{ who: ANA, text: 'Para uma padaria em BH é exatamente o tom local. Mas duas vezes é demais — topo 4.' }
			],
			agree: [CHEN]
		},
		{
			item: 2,
			minute: 35,
			who: CHEN,
			on: { who: BEN, dimension: 'helpfulness' },
			text: 'The user asked “fruit or vegetable” — cooks mean the culinary sense. Leaving it out is an omission.',
			replies: [],
			agree: [ANA, BEN]
		}
	] as {
		item: number;
		minute: number;
		who: string;
		on: { who: string; dimension: string } | null;
		text: string;
		replies?: { who: string; text: string }[];
		agree?: string[];
	}[]
};
