/* core/text: the bounded append the rules' explanations are written with. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/text.h"

Test(text, appends_while_it_fits_and_never_half_a_word)
{
    char buf[8] = "";
    cr_assert(vfy_text_append(buf, sizeof buf, "abc"));
    cr_assert(vfy_text_append(buf, sizeof buf, "def"));
    cr_assert_str_eq(buf, "abcdef");
    cr_assert_not(vfy_text_append(buf, sizeof buf, "gh"), "7 + NUL is the last byte");
    cr_assert_str_eq(buf, "abcdef", "nothing of a word that does not fit");
    cr_assert(vfy_text_append(buf, sizeof buf, "g"));
    cr_assert_str_eq(buf, "abcdefg");
    cr_assert(vfy_text_append(buf, sizeof buf, ""), "the empty string always fits");
    cr_assert_not(vfy_text_append(buf, sizeof buf, "h"), "full");
    char unterminated[4] = { 'x', 'y', 'z', 'w' };
    cr_assert_not(vfy_text_append(unterminated, sizeof unterminated, "a"), "no NUL within cap: refused");
    cr_assert_not(vfy_text_append(NULL, 4, "a"));
    cr_assert_not(vfy_text_append(buf, 0, "a"));
}
