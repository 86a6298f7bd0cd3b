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
  report: {
    start: '/report',
    page: (slug: string) => `/report/${slug}`,
    checkAnswers: '/report/check-your-answers',
    confirmation: '/report/confirmation',
    answersCleared: '/report/answers-cleared',
  },
  health: '/health',
} as const
