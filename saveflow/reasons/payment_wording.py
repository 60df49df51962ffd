"""Wording that says, unambiguously, that a payment failed.

Patterns are structures (an instrument or a payment, then a failure), not customers' sentences.

The billing path ("update your payment method") is for customers whose payment failed, not for
customers who object to what they were charged. So `payment_problem` may come from a comment only
when it states a failure in words like these; "charged", "fees", "billing", "refund", 扣费 or
收费 alone are price complaints, and never reach the billing path.

Patterns are matched against folded text (casefolded, full width to half width, apostrophes
dropped, Traditional Chinese folded to Simplified).
"""

import re

from saveflow.reasons.normalize import fold

_EN = [
    r"\b(card|payment|charge|transaction|renewal|billing|visa|mastercard|amex|paypal)s?\b[^.!?;]{0,40}?"
    r"\b(declin|reject|bounc|fail|refus|block|didnt go through|wont go through|not go(ing)? through"
    r"|isnt going through|doesnt go through|wasnt accepted|not accepted|wont accept|doesnt work)",
    r"\b(declined|rejected|bounced|failed|refused|blocked)\b[^.!?;]{0,25}?\b(card|payment|charge"
    r"|transaction)",
    r"\b(card|visa|mastercard|amex)\b[^.!?;]{0,25}?\bexpir",
    r"\bexpired\b[^.!?;]{0,20}?\b(card|visa|mastercard|amex|credit)",
    r"\binsufficient funds\b",
    r"\bnsf\b",
    r"\b(cant|couldnt|unable to|not able to|wont let me)\b[^.!?;]{0,20}?\b(pay|add|update|change"
    r"|enter)\b[^.!?;]{0,25}?\b(card|payment|billing details|payment method)",
    r"\b(bank|issuer)\b[^.!?;]{0,40}?\b(block|declin|reject|flag|froze|frozen|freez|stopp)",
    r"\bpayment (failure|error)\b",
    r"\b(new|replacement|reissued) (credit |debit )?card\b",
    r"\bcard (was |got |has been |had been )?(cancelled|canceled|closed)",
    r"\bcard\b[^.!?;]{0,30}?\b(replaced|reissued|stolen|lost|compromised)",
    r"\b(failed|declined|unsuccessful) (payment|charge|transaction|renewal)",
]
_ZH = [
    r"(扣款|付款|支付|续费|续订|缴费|刷卡|扣费|交易|转账|自动扣款)[^。！？；，,]{0,3}(失败|不成功|被拒|未成功"
    r"|没成功|没过|出错|被退回|退回来)",
    r"(付|扣|支付|续|刷|转)(不了|唔到|不到|不过|不出去|不过去)(款|费|钱|数|卡)?",
    r"(卡|card)[^。！？；]{0,6}(过期|到期|失效|被拒|拒绝|冻结|停用|被停|刷不过|刷唔到"
    r"|碌唔到|被锁|被block|block咗)",
    r"(余额|信用额度|卡[^。！？；]{0,2}额度|花呗[^。！？；]{0,2}额度)[^。！？；]{0,3}(不足|不够|唔够|满了|爆)",
    r"(爆咗?额|过唔到数|扣唔到钱|碌唔到|绑不上|绑不了|加不了卡|加唔到卡|付唔到款)",
    r"(银行|发卡行)[^。！？；]{0,8}(拒|冻结|拦截|止付|block)",
    r"(卡|信用卡|银行卡)[^。！？；]{0,4}(注销|挂失|被盗|换了|换新)|换了(新)?卡|新卡[^。！？；]{0,6}(绑|更新|加)",
    r"付款方式[^。！？；]{0,4}(无效|失效|有问题)|payment method[^。！？；]{0,6}(问题|无效|invalid)",
]
_PATTERNS = [re.compile(p) for p in _EN + _ZH]


def states_payment_failure(text: str) -> bool:
    """Tell whether the text says that a payment or card failed."""
    folded, _ = fold(text or "")
    return any(p.search(folded) for p in _PATTERNS)
