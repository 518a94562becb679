/* Console of the EL2 core: the PL011 UART of QEMU's virt board (QEMU needs
 * no baud setup; the data register is written when the FIFO has room) and a
 * small printf. */
#include "el2.h"

#define UART_DR 0x00u   /* data register */
#define UART_FR 0x18u   /* flag register */
#define UART_FR_TXFF (1u << 5)

static volatile u32 *uart_reg(u32 off)
{
    return (volatile u32 *)(EL2_UART_BASE + off);
}

void uart_putc(char c)
{
    /* Wait while the transmit FIFO is full. */
    while (*uart_reg(UART_FR) & UART_FR_TXFF)
        ;
    *uart_reg(UART_DR) = (u32)(unsigned char)c;
}

void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

/* Digits of v in base (10 or 16), right-aligned in width with pad. */
static void put_unsigned(u64 v, unsigned base, int width, char pad)
{
    char buf[24];
    int n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    while (width > n) {
        uart_putc(pad);
        width--;
    }
    while (n)
        uart_putc(buf[--n]);
}

/* One conversion of el2_vprintf; spec points at the conversion letter. */
static void put_conv(char conv, int longs, int width, char pad, va_list *ap)
{
    u64 u;
    long long s;
    switch (conv) {
    case 'c':
        uart_putc((char)va_arg(*ap, int));
        return;
    case 's': {
        const char *str = va_arg(*ap, const char *);
        uart_puts(str ? str : "(null)");
        return;
    }
    case 'd':
        s = longs ? va_arg(*ap, long long) : va_arg(*ap, int);
        if (s < 0) {
            uart_putc('-');
            put_unsigned((u64)0 - (u64)s, 10, width ? width - 1 : 0, pad);
            return;
        }
        put_unsigned((u64)s, 10, width, pad);
        return;
    case 'u':
    case 'x':
        u = longs ? va_arg(*ap, unsigned long long) : va_arg(*ap, unsigned int);
        put_unsigned(u, conv == 'u' ? 10 : 16, width, pad);
        return;
    default:
        uart_putc('%');
        uart_putc(conv);
        return;
    }
}

void el2_vprintf(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            uart_putc(*p);
            continue;
        }
        p++;
        if (*p == '%') {
            uart_putc('%');
            continue;
        }
        char pad = ' ';
        int width = 0, longs = 0;
        if (*p == '0') {
            pad = '0';
            p++;
        }
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        while (*p == 'l') {
            longs++;
            p++;
        }
        if (!*p)
            break;
        put_conv(*p, longs, width, pad, &aq);
    }
    va_end(aq);
}

void el2_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    el2_vprintf(fmt, ap);
    va_end(ap);
}
