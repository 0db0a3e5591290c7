import type { Labels } from '../errors/messages';

/** The roles an authenticated actor acts in. One role per credential; a person with two roles holds two credentials. */
export const ROLES = [
  'administrator',
  'leader',
  'unit_head',
  'unit_staff',
  'inspector',
  'appraiser',
  'discipline_commissioner',
  'auditor',
] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Labels for the UI, in the terms of DOMAIN.md. */
export const ROLE_LABELS: { readonly [R in Role]: Labels } = {
  administrator: { en: 'Administrator', vi: 'Quản trị hệ thống', zh: '系统管理员' },
  leader: { en: 'Leader / issuer', vi: 'Lãnh đạo', zh: '领导' },
  unit_head: { en: 'Unit head (first responsible person)', vi: 'Người đứng đầu', zh: '第一责任人' },
  unit_staff: { en: 'Unit staff', vi: 'Cán bộ, công chức', zh: '工作人员' },
  inspector: { en: 'Inspection / supervision office', vi: 'Văn phòng, thanh tra', zh: '督查室' },
  appraiser: { en: 'Organisation / personnel department', vi: 'Ban tổ chức, Sở Nội vụ', zh: '组织部' },
  discipline_commissioner: { en: 'Discipline commission', vi: 'Ủy ban kiểm tra', zh: '纪委监委' },
  auditor: { en: 'Auditor', vi: 'Kiểm toán', zh: '审计' },
};
