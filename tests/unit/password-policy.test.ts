// The password policy on its own: length, the shipped common-password list, and the person's email and name.
import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../server/domain/password-policy';
import { commonPasswords } from '../../server/db/common-passwords';

const owner = { email: 'maria.silva@example.com', name: 'Maria da Silva Santos' };
const check = (password: string) => passwordProblem(password, owner, commonPasswords());

describe('password policy', () => {
	it('ships a list of a few hundred common passwords, including long ones', () => {
		expect(commonPasswords().size).toBeGreaterThanOrEqual(300);
		expect(commonPasswords().has('passwordpassword')).toBe(true);
	});

	it('counts characters, not UTF-16 units, for the minimum length', () => {
		expect(check('a'.repeat(11))).toBe('too_short');
		expect(check('🔑'.repeat(11))).toBe('too_short');
		expect(check('correct-mule-42')).toBeNull();
	});

	it('refuses common passwords in any case', () => {
		expect(check('QwertyuiopASDF')).toBe('common');
		expect(check('iloveyou1234')).toBe('common');
	});

	it('refuses the email, its local part and the name, ignoring case and spaces', () => {
		expect(check('MARIA.SILVA@example.com')).toBe('personal');
		expect(passwordProblem('maria.silva.r', { email: 'maria.silva.r@x.io', name: 'M' }, commonPasswords())).toBe(
			'personal'
		);
		expect(check('mariadasilvasantos')).toBe('personal');
		expect(check('maria da silva santos')).toBe('personal');
		expect(check('maria-silva-rocks-42')).toBeNull();
	});
});
