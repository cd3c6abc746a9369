import { Actor, ActorKinds } from './actor';

describe(Actor.name, () => {
  it('names a BackOffice user by the token’s sub', () => {
    const actor = Actor.user({ companyId: 'co_1', subject: 'kari@example.no' });
    expect(actor).toMatchObject({ kind: ActorKinds.USER, id: 'kari@example.no' });
    expect(String(actor)).toBe('kari@example.no');
  });

  it('refuses a user without sub: a change must say who made it', () => {
    expect(() => Actor.user({ companyId: 'co_1', subject: '' })).toThrow(
      expect.objectContaining({ code: 'AUTH.NO_SUBJECT', httpStatus: 401 }),
    );
  });

  it('keeps a user whose sub reads like the system a user', () => {
    const actor = Actor.user({ companyId: 'co_1', subject: 'system:reverification' });
    expect(actor.kind).toBe(ActorKinds.USER);
    expect(Actor.system('reverification')).toMatchObject({ kind: ActorKinds.SYSTEM });
    expect(String(Actor.system('reverification'))).toBe('system:reverification');
  });
});
