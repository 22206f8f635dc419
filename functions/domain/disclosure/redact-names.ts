/**
 * Finding Chinese personal names in context, for the redaction of disclosed texts (redaction.ts).
 *
 * A name is only recognised where the text says it is one: after a cue that introduces a person (我叫, 姓名,
 * 联系人, 经办人, 工作人员, 市民 …), before a form of address (先生, 女士, 同志, 师傅 …) or a job title (科长,
 * 主任, 老师 …), or already half-masked (张某某). A bare "张建国反映…" at the start of a text is not found:
 * without a dictionary of given names nothing tells it apart from ordinary words, and guessing would mask
 * place and unit names everywhere. Complaint and reply texts almost always carry such a cue.
 */

/** Common single-character surnames; characters that are far more often ordinary words (国, 区, 门 …) are left out. */
const SINGLE_SURNAMES = new Set(
  Array.from(
    '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农卓古吉缪简车项连芦卢麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬仇栾隋刁巫寇郎甄丛仲虞敖巩明佘迟邝封谈匡鞠惠荆冀郁胥储栗燕楚鄢劳谌奚粟冼蔺闻厉伊仝郜阚帅屠朴廉禹祖漆巴丰卿狄宣晋芮扈晁阙浦戈邸雍辜裘亓邰赫杭况逯茹诸慕亢嵇湛宾戎勾茅於揭尉冶檀昝',
  ),
);

/** Compound surnames (复姓), tried before the single ones. */
const COMPOUND_SURNAMES = [
  '欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '令狐', '夏侯',
  '轩辕', '端木', '独孤', '南宫', '西门', '百里', '呼延', '澹台', '公冶', '太史', '申屠', '钟离', '闻人', '万俟',
  '赫连', '濮阳', '淳于', '单于', '宗政', '拓跋', '第五', '公羊', '左丘', '东郭', '司空', '仲孙', '乐正', '段干',
];

/** Words that introduce a person's name: "联系人：李娜", "市民王建国", "我叫张伟". */
const CUES_BEFORE = [
  '我叫', '名叫', '叫做', '本人', '姓名', '名字', '联系人', '经办人', '承办人', '工作人员', '负责人', '责任人', '投诉人',
  '举报人', '反映人', '来电人', '来信人', '当事人', '申请人', '申诉人', '代理人', '收件人', '监护人', '市民', '居民',
  '村民', '群众', '业主', '网友', '患者', '家属', '家长', '消费者', '司机', '驾驶员', '租户', '住户', '商户', '店主',
  '老板', '同事', '邻居', '丈夫', '妻子', '儿子', '女儿', '母亲', '父亲', '民警', '辅警', '网格员', '社工', '志愿者',
  '科员', '干部', '书记', '主任', '科长', '局长', '镇长', '村长', '站长', '所长', '队长', '经理',
].sort((a, b) => b.length - a.length);

/**
 * Forms of address: they add only the person's sex, so they are masked with the name, the way 通报 texts
 * write it ("张先生", "张建国女士" → "张某").
 */
const HONORIFICS = ['先生', '女士', '小姐', '同志', '师傅', '阿姨', '大爷', '大妈', '大姐', '大哥', '奶奶', '爷爷'];

/**
 * Job titles: kept after the masked name ("王建国主任" → "王某主任"). A surname with a title and no given
 * name ("王科长") names a post, not a person, and is left as it is.
 */
const TITLES = [
  '副科长', '副主任', '副局长', '总经理', '网格员', '老师', '科长', '主任', '局长', '处长', '所长', '站长', '队长',
  '院长', '校长', '经理', '书记', '部长', '镇长', '乡长', '县长', '村长', '组长', '主管', '医生', '大夫', '护士',
  '警官', '律师', '会计', '厂长', '社长', '馆长', '干事', '专员', '科员',
].sort((a, b) => b.length - a.length);

/** Verbs that follow a name in complaints: "王建国反映…", "李娜来电…". */
const FOLLOWING_WORDS = ['反映', '来电', '投诉', '举报', '致电', '表示', '要求', '希望', '认为', '称', '说', '家住', '住在'];

/** The few of them that mark a name even without a cue before it, at the start of a sentence: "王建国反映…". */
const REPORTING_VERBS = ['反映', '来电', '投诉', '举报', '致电', '说', '称'];

/** A task handed to a person: "由李明负责", "请王芳核实" (not "以高度负责的态度": the character before must hand it over). */
const HANDING_OVER_CHARS = new Set(Array.from('由请派让叫'));
const TASK_VERBS = ['负责', '牵头', '督办', '跟进', '处理', '回复', '联系', '办理', '核实', '落实', '整改'];

/**
 * Characters that end a name rather than belong to it (particles, common verbs and prepositions): a given
 * name never takes them, and a name followed by one has ended.
 */
const STOP_CHARS = new Set(
  Array.from('的了在于是和与及说称反来投诉向对把被将已曾也都又还就才而并或等们着过给让从到为以之其这那此该每某个位名电手号联住要希认多今昨前后因所带去打通办同现曾找请经据问派致至见告知系等、不没未拒很非态'),
);

/**
 * Characters that often begin the word after a name ("刘洋态度生硬", "牛小军拒绝"): they may end a name that a
 * cue introduced, but unlike the stop characters they also occur in given names.
 */
const NEXT_WORD_CHARS = new Set(Array.from('推一总工服处负第上下再常刚正仍始自亲本当均先后讲表举男女年岁证身两'));

/**
 * Common words that start with a surname character, as they follow 工作人员, 市民 and the like ("工作人员高效办理",
 * "市民文明出行"): never the start of a name.
 */
const COMMON_WORDS = new Set([
  '高效', '高度', '高兴', '高峰', '高速', '文明', '文件', '安全', '安排', '安装', '严格', '严重', '方便', '方面', '方式', '方案',
  '周到', '周末', '周边', '周围', '常规', '常见', '时间', '时候', '明显', '明确', '明天', '全部', '全面', '全体', '全程', '程序',
  '程度', '成本', '成功', '关于', '关注', '关系', '任何', '任务', '路段', '路面', '路口', '路灯', '康复', '温度', '温馨', '毛病',
  '孔洞', '齐全', '管理', '管道', '钱款', '黄色', '白天', '金额', '车辆', '车位', '项目', '连续', '简单', '解决', '解释', '应当',
  '应该', '党员', '宣传', '费用', '卫生', '宁可', '尚未', '甘心', '包括', '华丽', '龙头', '苗头', '盛情', '曲折', '游客',
]);

/** Characters after which a name may start without a cue word before it (punctuation is handled apart). */
const LEFT_BOUNDARY_CHARS = new Set(Array.from('的由给找向和与及同跟请经据是对把被让叫问了派称致至在于将为该位名员民主户业长告知系话到见等、'));

const HAN = /\p{Script=Han}/u;
const isHan = (ch: string | undefined): boolean => ch !== undefined && HAN.test(ch);

/** A name found: its span and the surname kept by its mask. */
export interface NameMatch {
  start: number;
  end: number;
  surname: string;
}

const startsWithAny = (text: string, at: number, words: readonly string[]): string | undefined =>
  words.find((w) => text.startsWith(w, at));

const surnameAt = (text: string, at: number): string | undefined => {
  const compound = COMPOUND_SURNAMES.find((s) => text.startsWith(s, at));
  if (compound) return compound;
  const ch = text[at];
  return ch !== undefined && SINGLE_SURNAMES.has(ch) ? ch : undefined;
};

const isGivenChar = (ch: string | undefined): boolean => isHan(ch) && !STOP_CHARS.has(ch!);

/** Whether a name may end before `at`: end of text, a character that is not Chinese, a stop character or a following word. */
const endsNameAt = (text: string, at: number): boolean =>
  at >= text.length ||
  !isHan(text[at]) ||
  STOP_CHARS.has(text[at]!) ||
  NEXT_WORD_CHARS.has(text[at]!) ||
  startsWithAny(text, at, FOLLOWING_WORDS) !== undefined ||
  startsWithAny(text, at, HONORIFICS) !== undefined ||
  startsWithAny(text, at, TITLES) !== undefined;

/** The cue word that ends just before `at`, skipping a colon or spaces ("姓名：", "联系人 "). */
const cueBefore = (text: string, at: number): boolean => {
  let i = at;
  while (i > 0 && /[\s:：]/.test(text[i - 1]!)) i -= 1;
  return CUES_BEFORE.some((cue) => i >= cue.length && text.startsWith(cue, i - cue.length));
};

const leftBoundary = (text: string, at: number): boolean =>
  at === 0 || !isHan(text[at - 1]) || LEFT_BOUNDARY_CHARS.has(text[at - 1]!) || cueBefore(text, at);

/**
 * The personal names in `text`, left to right, not overlapping. `text` is the search copy (full-width
 * forms folded), so offsets are those of the input.
 */
export function findNames(text: string): NameMatch[] {
  const found: NameMatch[] = [];
  let at = 0;
  while (at < text.length) {
    const match = nameAt(text, at);
    if (match) {
      found.push(match);
      at = match.end;
    } else {
      at += 1;
    }
  }
  return found;
}

function nameAt(text: string, at: number): NameMatch | undefined {
  const surname = surnameAt(text, at);
  if (!surname) return undefined;
  const afterSurname = at + surname.length;

  // Already half-masked: "张某某" (with its form of address, if any) becomes "张某"; "张某" stays.
  if (text.startsWith('某某', afterSurname)) {
    const honorific = startsWithAny(text, afterSurname + 2, HONORIFICS);
    return { start: at, end: afterSurname + 2 + (honorific?.length ?? 0), surname };
  }
  if (!leftBoundary(text, at) || COMMON_WORDS.has(text.slice(at, at + 2))) return undefined;
  const bareHonorific = startsWithAny(text, afterSurname, HONORIFICS);
  if (bareHonorific) return { start: at, end: afterSurname + bareHonorific.length, surname };
  if (startsWithAny(text, afterSurname, TITLES)) return undefined;

  // A given name of two characters, then one.
  for (const length of [2, 1]) {
    const given = text.slice(afterSurname, afterSurname + length);
    // A surname's character repeated ("常常") is a word, not a name.
    if (given.length !== length || !Array.from(given).every(isGivenChar) || given.startsWith(surname)) continue;
    const end = afterSurname + length;
    const honorific = startsWithAny(text, end, HONORIFICS);
    if (honorific) return { start: at, end: end + honorific.length, surname };
    if (startsWithAny(text, end, TITLES)) return { start: at, end, surname };
    const cued = cueBefore(text, at);
    if (cued && endsNameAt(text, end)) return { start: at, end, surname };
    if (startsWithAny(text, end, REPORTING_VERBS) && (cued || at === 0 || !isHan(text[at - 1]))) {
      return { start: at, end, surname };
    }
    if (startsWithAny(text, end, TASK_VERBS) && HANDING_OVER_CHARS.has(text[at - 1] ?? '')) return { start: at, end, surname };
  }
  return undefined;
}
