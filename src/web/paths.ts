/** Every public URL in one place, so templates, routes and tests agree. */
export const paths = {
  home: '/',
  partners: '/get-help',
  advicePage: (slug: string) => `/advice/${slug}`,
  report: {
    start: '/report',
    page: (slug: string) => `/report/${slug}`,
    checkAnswers: '/report/check-your-answers',
    confirmation: '/report/confirmation',
    answersCleared: '/report/answers-cleared',
  },
  health: '/health',
} as const
