/**
 * One seed for every property test of a run, printed so a failure can be replayed:
 * `JR_SEED=<seed> npm run test:unit`. CI (CI=true) uses a fixed seed, so a run there is the same
 * every time and a random search cannot fail it at random; a developer's run draws a new one and so
 * keeps exploring. A counterexample found that way becomes a fixed case in the test that found it.
 */
import fc from 'fast-check';

const CI_SEED = 20261201;

function chooseSeed(): { seed: number; why: string } {
  const given = process.env.JR_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed)) throw new Error(`JR_SEED must be an integer, not "${given}".`);
    return { seed, why: 'from JR_SEED' };
  }
  if (process.env.CI === 'true') return { seed: CI_SEED, why: 'fixed in CI' };
  return { seed: (Math.random() * 2 ** 31) | 0, why: 'random' };
}

const { seed, why } = chooseSeed();
fc.configureGlobal({ seed });
console.log(`property tests: seed ${seed} (${why}; replay with JR_SEED=${seed})`);
