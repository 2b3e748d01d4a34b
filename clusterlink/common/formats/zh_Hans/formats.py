"""Number format for Simplified Chinese, overriding Django's locale (no separator, groups of 4).

Business documents, statistics and invoices in China group digits in threes with a comma
(6,500,000 双; CLDR's zh pattern #,##0.###), so our figures and tables do too. Every other
format falls through to Django's own zh_Hans module."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
