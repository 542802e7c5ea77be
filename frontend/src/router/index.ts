import { createRouter, createWebHistory, type RouteLocationRaw, type Router, type RouterHistory } from 'vue-router'
import { useSessionStore } from '@/stores/session'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean
    /** Only agents may open it; others land on the ticket list. */
    agentOnly?: boolean
  }
}

/** Only same-app paths may be used as the target after login (no open redirect). */
export function safeRedirect(target: unknown): string {
  return typeof target === 'string' && target.startsWith('/') && !target.startsWith('//') ? target : '/'
}

export function createAppRouter(history: RouterHistory = createWebHistory('/')): Router {
  const router = createRouter({
    history,
    routes: [
      { path: '/', name: 'tickets', component: () => import('@/views/TicketListView.vue') },
      { path: '/tickets/new', name: 'ticket-new', component: () => import('@/views/TicketCreateView.vue') },
      {
        path: '/tickets/deleted',
        name: 'tickets-deleted',
        component: () => import('@/views/TicketDeletedListView.vue'),
        meta: { agentOnly: true },
      },
      {
        path: '/tickets/:id(\\d+)',
        name: 'ticket',
        component: () => import('@/views/TicketDetailView.vue'),
        props: (route) => ({ id: Number(route.params.id) }),
      },
      { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue'), meta: { public: true } },
      {
        path: '/:pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/views/NotFoundView.vue'),
        meta: { public: true },
      },
    ],
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })

  router.beforeEach(async (to): Promise<RouteLocationRaw | true> => {
    const session = useSessionStore()
    await session.ensureLoaded()
    // Without an answer about the session (server down), let App show the error with a retry.
    if (session.state === 'error') return true
    if (!to.meta.public && !session.isAuthenticated) {
      return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } }
    }
    if (to.name === 'login' && session.isAuthenticated) return safeRedirect(to.query.next)
    if (to.meta.agentOnly && !session.isAgent) return { name: 'tickets' }
    return true
  })

  return router
}
