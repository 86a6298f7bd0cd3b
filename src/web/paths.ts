/** Every public URL in one place, so templates, routes and tests agree. */
export const paths = {
  home: '/',
  partners: '/get-help',
  advicePage: (slug: string) => `/advice/${slug}`,
  aboutUs: '/about-us',
  whatToExpect: '/what-to-expect',
  privacy: '/privacy',
  resources: '/professionals/resources',
  resource: (slug: string) => `/professionals/resources/${slug}`,
  resourceDownload: (slug: string) => `/professionals/resources/${slug}/download`,
  reportButton: '/report-button',
  report: {
    start: '/report',
    page: (slug: string) => `/report/${slug}`,
    checkAnswers: '/report/check-your-answers',
    confirmation: '/report/confirmation',
    answersCleared: '/report/answers-cleared',
  },
  health: '/health',
  acknowledgeReferral: (token: string) => `/referrals/acknowledge/${token}`,
} as const

/** What can be done to a report, each a page (GET shows the form) and a POST. */
export type ReportAction =
  | 'release'
  | 'reassign'
  | 'priority'
  | 'jurisdiction'
  | 'assessment'
  | 'reopen'
  | 'legal-hold'
  | 'lift-legal-hold'

/** What can be done to a case: each a page, most with a form. */
export type CaseAction =
  | 'timeline'
  | 'plan'
  | 'plan/edit'
  | 'contacts/new'
  | 'notes/new'
  | 'tasks/new'
  | 'status'
  | 'reassign'
  | 'close'
  | 'closure'
  | 'reopen'
  | 'reports/add'
  | 'link'
  | 'referrals/new'

/** Every staff URL in one place. */
export const staffPaths = {
  home: '/staff',
  signIn: '/staff/sign-in',
  signOut: '/staff/sign-out',
  secondFactor: '/staff/sign-in/second-factor',
  secondFactorCode: '/staff/sign-in/second-factor/code',
  passkeyChallenge: '/staff/sign-in/passkey/challenge',
  passkeyResponse: '/staff/sign-in/passkey',
  confirm: '/staff/confirm-it-is-you',
  setUp: (token: string) => `/staff/set-up/${token}`,
  enrol: '/staff/second-factor',
  enrolApp: '/staff/second-factor/authenticator-app',
  enrolPasskeyOptions: '/staff/second-factor/passkey/options',
  enrolPasskey: '/staff/second-factor/passkey',
  account: '/staff/account',
  staffList: '/staff/admin/people',
  newStaff: '/staff/admin/people/new',
  staffMember: (id: string) => `/staff/admin/people/${id}`,
  staffAction: (id: string, action: string) => `/staff/admin/people/${id}/${action}`,
  queue: '/staff/queue',
  report: (id: string) => `/staff/reports/${id}`,
  /** A report opened from another's linked reports: the opening is recorded as such. */
  linkedReport: (id: string, fromId: string) => `/staff/reports/${id}?linkedFrom=${fromId}`,
  reportAction: (id: string, action: ReportAction) => `/staff/reports/${id}/${action}`,
  triageAgreement: '/staff/triage-agreement',
  partnerAgencies: '/staff/admin/partner-agencies',
  newPartnerAgency: '/staff/admin/partner-agencies/new',
  partnerAgency: (id: string) => `/staff/admin/partner-agencies/${id}`,
  reportSources: '/staff/admin/report-sources',
  newReportSource: '/staff/admin/report-sources/new',
  reportSource: (id: string) => `/staff/admin/report-sources/${id}`,
  reportSourceAction: (id: string, action: 'withdraw' | 'restore') =>
    `/staff/admin/report-sources/${id}/${action}`,
  cases: '/staff/cases',
  myTasks: '/staff/tasks',
  case: (id: string) => `/staff/cases/${id}`,
  caseAction: (id: string, action: CaseAction) => `/staff/cases/${id}/${action}`,
  caseTaskDone: (id: string, taskId: string) => `/staff/cases/${id}/tasks/${taskId}/done`,
  caseReportMove: (id: string, reportId: string) => `/staff/cases/${id}/reports/${reportId}/move`,
  partnerAgencyDelivery: (id: string) => `/staff/admin/partner-agencies/${id}/delivery`,
  newReferral: (reportId: string) => `/staff/reports/${reportId}/referrals/new`,
  referrals: '/staff/referrals',
  referral: (id: string) => `/staff/referrals/${id}`,
  referralAction: (id: string, action: 'approve' | 'decline' | 'review') =>
    `/staff/referrals/${id}/${action}`,
  referralPdf: (id: string) => `/staff/referrals/${id}/package.pdf`,
  failedDeliveries: '/staff/deliveries/failed',
  retryDelivery: (id: string) => `/staff/deliveries/${id}/retry`,
  newReporterMessage: (reportId: string) => `/staff/reports/${reportId}/messages/new`,
  apiClients: '/staff/admin/api-clients',
  newApiClient: '/staff/admin/api-clients/new',
  apiClient: (id: string) => `/staff/admin/api-clients/${id}`,
  apiClientAction: (id: string, action: 'rotate' | 'revoke') =>
    `/staff/admin/api-clients/${id}/${action}`,
  auditTrail: '/staff/audit',
  auditExport: '/staff/audit/export.csv',
} as const
