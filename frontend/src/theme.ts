import { definePreset } from '@primeuix/themes'
import base from '@primeuix/themes/aura/base'
import button from '@primeuix/themes/aura/button'
import checkbox from '@primeuix/themes/aura/checkbox'
import chip from '@primeuix/themes/aura/chip'
import confirmdialog from '@primeuix/themes/aura/confirmdialog'
import datatable from '@primeuix/themes/aura/datatable'
import dialog from '@primeuix/themes/aura/dialog'
import iconfield from '@primeuix/themes/aura/iconfield'
import inputnumber from '@primeuix/themes/aura/inputnumber'
import inputtext from '@primeuix/themes/aura/inputtext'
import message from '@primeuix/themes/aura/message'
import multiselect from '@primeuix/themes/aura/multiselect'
import paginator from '@primeuix/themes/aura/paginator'
import progressspinner from '@primeuix/themes/aura/progressspinner'
import radiobutton from '@primeuix/themes/aura/radiobutton'
import select from '@primeuix/themes/aura/select'
import tag from '@primeuix/themes/aura/tag'
import textarea from '@primeuix/themes/aura/textarea'
import toast from '@primeuix/themes/aura/toast'
import virtualscroller from '@primeuix/themes/aura/virtualscroller'

/**
 * Aura restricted to the components this app renders (and those they render inside, such as the
 * paginator's select): the full preset carries tokens for ~100 components and costs ~15 kB gzipped
 * on first load. A component added to the app must be added here too, or it renders unstyled.
 */
const AuraSubset = {
  ...base,
  components: {
    button,
    checkbox,
    chip,
    confirmdialog,
    datatable,
    dialog,
    iconfield,
    inputnumber,
    inputtext,
    message,
    multiselect,
    paginator,
    progressspinner,
    radiobutton,
    select,
    tag,
    textarea,
    toast,
    virtualscroller,
  },
}

/**
 * That Aura with a darker blue primary: Aura's default emerald-500 under white text is about 2.5:1,
 * below WCAG AA; blue-700 gives about 6.7:1. The danger and warn buttons get the same treatment
 * (red-500 and orange-500 text are 3.8:1 and 2.8:1 on white; the 700/800 shades pass AA).
 */
export const ServiceDeskPreset = definePreset(AuraSubset, {
  components: {
    button: {
      colorScheme: {
        light: {
          root: {
            danger: {
              background: '{red.700}',
              hoverBackground: '{red.800}',
              activeBackground: '{red.900}',
              borderColor: '{red.700}',
              hoverBorderColor: '{red.800}',
              activeBorderColor: '{red.900}',
              focusRing: { color: '{red.700}', shadow: 'none' },
            },
          },
          text: { danger: { color: '{red.700}' }, warn: { color: '{orange.800}' } },
          outlined: { danger: { color: '{red.700}' }, warn: { color: '{orange.800}', borderColor: '{orange.300}' } },
        },
      },
    },
  },
  semantic: {
    primary: {
      50: '{blue.50}',
      100: '{blue.100}',
      200: '{blue.200}',
      300: '{blue.300}',
      400: '{blue.400}',
      500: '{blue.500}',
      600: '{blue.600}',
      700: '{blue.700}',
      800: '{blue.800}',
      900: '{blue.900}',
      950: '{blue.950}',
    },
    colorScheme: {
      light: {
        primary: {
          color: '{primary.700}',
          contrastColor: '#ffffff',
          hoverColor: '{primary.800}',
          activeColor: '{primary.900}',
        },
        highlight: {
          background: '{primary.50}',
          focusBackground: '{primary.100}',
          color: '{primary.800}',
          focusColor: '{primary.900}',
        },
      },
    },
    focusRing: {
      width: '2px',
      style: 'solid',
      color: '{primary.700}',
      offset: '2px',
    },
  },
})
