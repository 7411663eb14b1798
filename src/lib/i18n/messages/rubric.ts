// Rubric translations: the per-language summary on the rubric card and the lead's translation editor.
export default {
	en: {
		'rubric.tr.heading': 'Translations',
		'rubric.tr.complete': '{language}: every text translated',
		'rubric.tr.missingCount': '{language}: {count} without translation',
		'rubric.tr.open': 'Translate',
		'rubric.tr.title': 'Translate “{name}”',
		'rubric.tr.intro':
			'Evaluators reading {language} see these texts; a text left empty shows the rubric’s own. Keys and scores do not change; saving adds version {next}.',
		'rubric.tr.language': 'Language',
		'rubric.tr.missing': 'missing',
		'rubric.tr.dimensionLabel': 'Name',
		'rubric.tr.dimensionDescription': 'Description',
		'rubric.tr.optionLabel': 'Option “{value}”',
		'rubric.tr.optionDescription': 'Option “{value}”: description',
		'rubric.tr.flags': 'Flags',
		'rubric.tr.spanLabels': 'Span labels',
		'rubric.tr.source': 'Original',
		'rubric.tr.save': 'Save translations',
		'rubric.tr.saved': 'Saved as version {n}.',
		'rubric.tr.missingIn': 'no {language} translation'
	},
	'pt-BR': {
		'rubric.tr.heading': 'Traduções',
		'rubric.tr.complete': '{language}: todos os textos traduzidos',
		'rubric.tr.missingCount': '{language}: {count} sem tradução',
		'rubric.tr.open': 'Traduzir',
		'rubric.tr.title': 'Traduzir “{name}”',
		'rubric.tr.intro':
			'Avaliadores que leem em {language} veem estes textos; um texto vazio mostra o original da rubrica. Chaves e notas não mudam; salvar cria a versão {next}.',
		'rubric.tr.language': 'Idioma',
		'rubric.tr.missing': 'falta',
		'rubric.tr.dimensionLabel': 'Nome',
		'rubric.tr.dimensionDescription': 'Descrição',
		'rubric.tr.optionLabel': 'Opção “{value}”',
		'rubric.tr.optionDescription': 'Opção “{value}”: descrição',
		'rubric.tr.flags': 'Sinalizações',
		'rubric.tr.spanLabels': 'Rótulos de trecho',
		'rubric.tr.source': 'Original',
		'rubric.tr.save': 'Salvar traduções',
		'rubric.tr.saved': 'Salvo como versão {n}.',
		'rubric.tr.missingIn': 'sem tradução para {language}'
	}
};
