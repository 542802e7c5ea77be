import { useI18n } from 'vue-i18n'
import {
  ApiError,
  ConflictError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  ServerError,
  ThrottledError,
  UnauthorizedError,
  ValidationError,
} from '@/api/http'

/** Turns any thrown value into one sentence for the person in front of the screen. */
export function useErrorMessage() {
  const { t } = useI18n()

  function describe(error: unknown): string {
    if (error instanceof NetworkError) return t('errors.network')
    if (error instanceof ServerError) return t('errors.server', { status: error.status })
    if (error instanceof ThrottledError) return t('errors.throttled')
    if (error instanceof ConflictError) return t('errors.conflict')
    if (error instanceof UnauthorizedError) return t('errors.unauthorized')
    if (error instanceof NotFoundError) return t('errors.notFound')
    if (error instanceof ForbiddenError) return error.detail ?? t('errors.forbidden')
    if (error instanceof ValidationError) {
      const messages = [...error.nonFieldErrors, ...Object.values(error.fieldErrors).flat()]
      return messages.length ? messages.join(' ') : t('errors.validation')
    }
    if (error instanceof ApiError) return error.detail ?? t('errors.unknown')
    return t('errors.unknown')
  }

  return { describe }
}
