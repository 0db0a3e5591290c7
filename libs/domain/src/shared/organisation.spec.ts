import { HENGYANG_UNITS } from '../testing/hengyang.fixtures';
import { ancestorsOf, isInSubtree, jurisdictionRootOf, type OrgUnits } from './organisation';

describe('organisation read model', () => {
  const units: OrgUnits = {
    ...HENGYANG_UNITS,
    'zh-ward-1': { id: 'zh-ward-1', parentId: 'zh', kind: 'ward', dissolved: false },
    'zh-insp': { id: 'zh-insp', parentId: 'zh', kind: 'office', dissolved: false },
  };

  it('lists a unit and its ancestors, nearest first', () => {
    expect(ancestorsOf('zh-ward-1', units)).toEqual(['zh-ward-1', 'zh', 'city']);
    expect(ancestorsOf('nowhere', units)).toEqual([]);
  });

  it('answers whether a unit lies in a subtree (a unit is in its own)', () => {
    expect(isInSubtree('zh-ward-1', 'zh', units)).toBe(true);
    expect(isInSubtree('zh-ward-1', 'city', units)).toBe(true);
    expect(isInSubtree('zh', 'zh', units)).toBe(true);
    expect(isInSubtree('zh', 'zh-ward-1', units)).toBe(false);
    expect(isInSubtree('zx', 'zh', units)).toBe(false);
    expect(isInSubtree('nowhere', 'city', units)).toBe(false);
  });

  it('does not hang on a corrupt model with a cycle', () => {
    const corrupt: OrgUnits = {
      a: { id: 'a', parentId: 'b', kind: 'district', dissolved: false },
      b: { id: 'b', parentId: 'a', kind: 'district', dissolved: false },
    };
    expect(isInSubtree('a', 'c', corrupt)).toBe(false);
    expect(ancestorsOf('a', corrupt)).toEqual(['a', 'b']);
  });

  it('finds the territory an office serves: the nearest city, district, ward or county', () => {
    expect(jurisdictionRootOf('insp', units)).toBe('city');
    expect(jurisdictionRootOf('zh-insp', units)).toBe('zh');
    expect(jurisdictionRootOf('zh-ward-1', units)).toBe('zh-ward-1');
    expect(jurisdictionRootOf('nowhere', units)).toBe('nowhere');
  });
});
