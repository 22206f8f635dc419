import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTION_MASKS, redact, type RedactionKind } from '../../../../functions/domain/disclosure/redaction';

/**
 * Realistic complaint, reply and ledger texts, each with the redacted text it must give, the kinds found,
 * and the personal data that must not survive (as written, and as bare digits).
 */
interface Case {
  name: string;
  input: string;
  expected: string;
  kinds: RedactionKind[];
  sensitive: string[];
}

const CASES: Case[] = [
  // Names in context
  {
    name: 'a citizen named after 市民',
    input: '市民王建国反映，县医院门诊收费窗口排队时间过长。',
    expected: '市民王某反映，县医院门诊收费窗口排队时间过长。',
    kinds: ['name'],
    sensitive: ['王建国', '建国'],
  },
  {
    name: 'a two-character name after 我叫',
    input: '我叫李娜，上周在税务大厅办理业务时被工作人员推诿。',
    expected: '我叫李某，上周在税务大厅办理业务时被工作人员推诿。',
    kinds: ['name'],
    sensitive: ['李娜'],
  },
  {
    name: 'a name after 姓名 and a colon',
    input: '姓名：赵晓明　事由：低保申请长期无人受理',
    expected: '姓名：赵某　事由：低保申请长期无人受理',
    kinds: ['name'],
    sensitive: ['赵晓明', '晓明'],
  },
  {
    name: 'a compound surname after 联系人',
    input: '联系人：欧阳娜娜，请于本周内回复。',
    expected: '联系人：欧阳某，请于本周内回复。',
    kinds: ['name'],
    sensitive: ['欧阳娜娜', '娜娜'],
  },
  {
    name: 'another compound surname before 同志',
    input: '经核实，诸葛明亮同志已按要求完成整改。',
    expected: '经核实，诸葛某已按要求完成整改。',
    kinds: ['name'],
    sensitive: ['诸葛明亮', '明亮'],
  },
  {
    name: 'the handling officer in a reply (经办人)',
    input: '经办人张三已于6月3日电话回复投诉人。',
    expected: '经办人张某已于6月3日电话回复投诉人。',
    kinds: ['name'],
    sensitive: ['张三'],
  },
  {
    name: 'a staff member named after 工作人员',
    input: '窗口工作人员刘洋态度生硬，拒绝解释原因。',
    expected: '窗口工作人员刘某态度生硬，拒绝解释原因。',
    kinds: ['name'],
    sensitive: ['刘洋'],
  },
  {
    name: 'a surname with 先生 alone',
    input: '张先生来电称小区路灯损坏已有两周。',
    expected: '张某来电称小区路灯损坏已有两周。',
    kinds: ['name'],
    sensitive: ['张先生'],
  },
  {
    name: 'a full name with 女士',
    input: '业主陈秀英女士反映物业费收取不透明。',
    expected: '业主陈某反映物业费收取不透明。',
    kinds: ['name'],
    sensitive: ['陈秀英', '秀英'],
  },
  {
    name: 'a full name with a job title, which stays',
    input: '请向王建国主任反映，由其协调住建部门处理。',
    expected: '请向王某主任反映，由其协调住建部门处理。',
    kinds: ['name'],
    sensitive: ['王建国'],
  },
  {
    name: 'a two-character name with a title',
    input: '社区书记孙磊多次上门走访。',
    expected: '社区书记孙某多次上门走访。',
    kinds: ['name'],
    sensitive: ['孙磊'],
  },
  {
    name: 'a driver named with 师傅',
    input: '出租车司机马师傅拒载，态度恶劣。',
    expected: '出租车司机马某拒载，态度恶劣。',
    kinds: ['name'],
    sensitive: ['马师傅'],
  },
  {
    name: 'a half-masked name (张某某) made uniform',
    input: '市民高某某多次来电反映噪音扰民问题。',
    expected: '市民高某多次来电反映噪音扰民问题。',
    kinds: ['name'],
    sensitive: ['高某某'],
  },
  {
    name: 'a name at the start of a sentence before 反映',
    input: '周立波反映，其父亲养老金已三个月未到账。',
    expected: '周某反映，其父亲养老金已三个月未到账。',
    kinds: ['name'],
    sensitive: ['周立波', '立波'],
  },
  {
    name: 'several people in one reply',
    input: '经查，网格员杨帆、社区主任吴晓东与投诉人郑女士当面沟通，郑女士表示理解。',
    expected: '经查，网格员杨某、社区主任吴某与投诉人郑某当面沟通，郑某表示理解。',
    kinds: ['name', 'name', 'name', 'name'],
    sensitive: ['杨帆', '吴晓东', '郑女士'],
  },
  {
    name: 'a name before 来电 with no cue word',
    input: '今日上午，黄海涛来电咨询公积金提取事宜。',
    expected: '今日上午，黄某来电咨询公积金提取事宜。',
    kinds: ['name'],
    sensitive: ['黄海涛', '海涛'],
  },
  {
    name: 'a cadre named in a ledger item',
    input: '责任人：副局长何志刚；整改时限：2026年12月31日前。',
    expected: '责任人：副局长何某；整改时限：2026年12月31日前。',
    kinds: ['name'],
    sensitive: ['何志刚', '志刚'],
  },
  {
    name: 'a person a task is handed to (由…负责), and one before 同志',
    input: '由李明负责督办，王芳同志配合。',
    expected: '由李某负责督办，王某配合。',
    kinds: ['name', 'name'],
    sensitive: ['李明', '王芳'],
  },
  {
    name: 'a name at the start of a sentence before 说',
    input: '张伟说他上午10点到的，等了2个小时。',
    expected: '张某说他上午10点到的，等了2个小时。',
    kinds: ['name'],
    sensitive: ['张伟'],
  },
  // Mobile numbers
  {
    name: 'an 11-digit mobile without separators',
    input: '联系电话13805391234，请尽快回电。',
    expected: '联系电话***********，请尽快回电。',
    kinds: ['mobile'],
    sensitive: ['13805391234'],
  },
  {
    name: 'a mobile written 3-4-4 with spaces',
    input: '我的手机是 139 5390 8765，白天都能接。',
    expected: '我的手机是 ***********，白天都能接。',
    kinds: ['mobile'],
    sensitive: ['13953908765', '5390 8765'],
  },
  {
    name: 'a mobile written with hyphens',
    input: '回访电话：158-6399-0021。',
    expected: '回访电话：***********。',
    kinds: ['mobile'],
    sensitive: ['15863990021'],
  },
  {
    name: 'a mobile with +86',
    input: '在外地务工，手机+86 186 5391 0000，微信同号。',
    expected: '在外地务工，手机***********，微信同号。',
    kinds: ['mobile'],
    sensitive: ['18653910000', '+86'],
  },
  {
    name: 'a mobile with 0086',
    input: '境外来电号码0086-13705395566，请回拨。',
    expected: '境外来电号码***********，请回拨。',
    kinds: ['mobile'],
    sensitive: ['13705395566'],
  },
  {
    name: 'a mobile typed in full-width digits',
    input: '手机：１３８０５３９１２３４',
    expected: '手机：***********',
    kinds: ['mobile'],
    sensitive: ['１３８０５３９１２３４'],
  },
  {
    name: 'a mobile glued to Chinese text on both sides',
    input: '请拨打17853901234联系我',
    expected: '请拨打***********联系我',
    kinds: ['mobile'],
    sensitive: ['17853901234'],
  },
  // Landlines
  {
    name: 'a landline with its area code and a hyphen',
    input: '单位座机0539-4211234长期无人接听。',
    expected: '单位座机********长期无人接听。',
    kinds: ['landline'],
    sensitive: ['05394211234', '4211234'],
  },
  {
    name: 'a landline with an extension (转)',
    input: '请联系0539-42112345转801咨询。',
    expected: '请联系********咨询。',
    kinds: ['landline'],
    sensitive: ['42112345', '801'],
  },
  {
    name: 'a landline with the area code in full-width brackets',
    input: '举报电话（010）65432198',
    expected: '举报电话********',
    kinds: ['landline'],
    sensitive: ['65432198'],
  },
  {
    name: 'a local number named as a telephone',
    input: '家里电话：4219876，晚上有人。',
    expected: '家里电话：********，晚上有人。',
    kinds: ['landline'],
    sensitive: ['4219876'],
  },
  // ID numbers
  {
    name: 'an 18-digit ID number with an X check digit',
    input: '身份证号37132619881105002X，请核实低保资格。',
    expected: '身份证号******************，请核实低保资格。',
    kinds: ['idNumber'],
    sensitive: ['37132619881105002X', '19881105'],
  },
  {
    name: 'an ID number with a lower-case x',
    input: '证件号码：37130219750429001x',
    expected: '证件号码：******************',
    kinds: ['idNumber'],
    sensitive: ['37130219750429001'],
  },
  {
    name: 'an ID number with a digit check digit',
    input: '申请人身份证371326198503122036已提交。',
    expected: '申请人身份证******************已提交。',
    kinds: ['idNumber'],
    sensitive: ['371326198503122036'],
  },
  {
    name: 'an ID number with a wrong check digit (masked on format, on purpose)',
    input: '身份证号371326198503122037（本人抄写）',
    expected: '身份证号******************（本人抄写）',
    kinds: ['idNumber'],
    sensitive: ['371326198503122037'],
  },
  {
    name: 'an ID number grouped 6-8-4',
    input: '身份证 371326 19660823 0675',
    expected: '身份证 ******************',
    kinds: ['idNumber'],
    sensitive: ['19660823', '0675'],
  },
  {
    name: 'an old 15-digit ID number',
    input: '老身份证号370326660823067，已过期。',
    expected: '老身份证号******************，已过期。',
    kinds: ['idNumber'],
    sensitive: ['370326660823067'],
  },
  // Addresses
  {
    name: 'a home address down to the room',
    input: '家住平邑县城关街道莲花路88号3栋2单元501室，楼下烧烤店油烟扰民。',
    expected: '家住平邑县城关街道莲花路***，楼下烧烤店油烟扰民。',
    kinds: ['address'],
    sensitive: ['88号', '501室', '2单元'],
  },
  {
    name: 'an estate with building and room in the 3-2-501 form',
    input: '住址：临沂市兰山区阳光花园3-2-501',
    expected: '住址：临沂市兰山区阳光花园***',
    kinds: ['address'],
    sensitive: ['3-2-501'],
  },
  {
    name: 'a village address with a group number in Chinese numerals',
    input: '地址为郑城镇王家庄村三组，村道坑洼无人修。',
    expected: '地址为郑城镇王家庄村***，村道坑洼无人修。',
    kinds: ['address'],
    sensitive: ['三组'],
  },
  {
    name: 'building and room numbers on their own',
    input: '我住7号楼1单元302室，电梯停运一个月。',
    expected: '我住***，电梯停运一个月。',
    kinds: ['address'],
    sensitive: ['7号楼', '302室'],
  },
  {
    name: 'a province-to-room address',
    input: '通讯地址：山东省临沂市平邑县温水路阳光小区12号楼东单元602',
    expected: '通讯地址：山东省临沂市平邑县温水路阳光小区***',
    kinds: ['address'],
    sensitive: ['12号楼', '602'],
  },
  // Licence plates
  {
    name: 'a plate with a middle dot',
    input: '鲁Q·A8765号车辆长期占用消防通道。',
    expected: '鲁Q*****号车辆长期占用消防通道。',
    kinds: ['plate'],
    sensitive: ['A8765'],
  },
  {
    name: 'a new-energy plate of eight characters',
    input: '新能源车鲁QD12345违停，拍照留证。',
    expected: '新能源车鲁Q*****违停，拍照留证。',
    kinds: ['plate'],
    sensitive: ['D12345'],
  },
  {
    name: 'a plate in lower case',
    input: '车牌号鲁q3b5c7，撞坏护栏后驶离。',
    expected: '车牌号鲁Q*****，撞坏护栏后驶离。',
    kinds: ['plate'],
    sensitive: ['3b5c7'],
  },
  // E-mail
  {
    name: 'an e-mail address',
    input: '处理结果请发送至 wangjg1978@163.com，谢谢。',
    expected: '处理结果请发送至 ***@***，谢谢。',
    kinds: ['email'],
    sensitive: ['wangjg1978', '163.com'],
  },
  {
    name: 'an e-mail address with dots and a full-width at sign',
    input: '邮箱：li.na_2020＠qq.com',
    expected: '邮箱：***@***',
    kinds: ['email'],
    sensitive: ['li.na_2020'],
  },
  // Everything at once
  {
    name: 'a whole complaint',
    input:
      '投诉人：吕建华，男，身份证号37132619881105002X，手机13905395678，家住平邑县莲花路66号。其车辆鲁QF88888被拖走，' +
      '交警大队工作人员牛小军拒绝出示依据。请回复至lvjh@126.com或致电0539-4256789。',
    expected:
      '投诉人：吕某，男，身份证号******************，手机***********，家住平邑县莲花路***。其车辆鲁Q*****被拖走，' +
      '交警大队工作人员牛某拒绝出示依据。请回复至***@***或致电********。',
    kinds: ['name', 'idNumber', 'mobile', 'address', 'plate', 'name', 'email', 'landline'],
    sensitive: ['吕建华', '37132619881105002X', '13905395678', '66号', 'F88888', '牛小军', 'lvjh', '4256789'],
  },
  {
    name: 'a unit reply with the handling officer and a callback',
    input: '经办人：许文静，电话 0539-4218888。已于6月5日回访，韩女士（手机：187 5390 1122）对处理结果表示满意。',
    expected: '经办人：许某，电话 ********。已于6月5日回访，韩某（手机：***********）对处理结果表示满意。',
    kinds: ['name', 'landline', 'name', 'mobile'],
    sensitive: ['许文静', '4218888', '韩女士', '18753901122'],
  },
];

/** Texts with no personal data that must come back unchanged (the things most likely to be mistaken for it). */
const CLEAN_TEXTS = [
  // Dates, counts, document numbers, hotlines
  '2026年6月3日受理，6月10日办结，办结率98.22%（43220/44004）。',
  '根据平政发〔2026〕3号文件，第12期简报已印发。',
  '拨打12345政务服务便民热线或110报警。',
  // Administrative divisions and places without a house number are not a person's address
  '山东省临沂市平邑县城关街道办事处',
  '莲花路与蒙阳路交叉口路灯不亮。',
  // Surnames with a post, and common words that start with a surname character
  '王科长说明了情况，李主任已签字。',
  '居民高度评价，相关同志已到场，语文老师和班主任都在。',
  '市民反映的问题已转交住建部门，群众满意度明显提高。',
  '工作人员态度很好，业主委员会表示感谢。',
  '以高度负责的态度抓好整改，请高度重视。',
  '工作人员高效办理，服务周到，市民文明出行，工作人员常常不在岗。',
  '申请的保障房是两室一厅，在三楼。',
  // Already redacted
  '市民王某反映，手机***********，家住莲花路***，车牌鲁Q*****，邮箱***@***。',
];

/**
 * False positives: non-personal text that the redaction masks anyway. Listed so that they are known and
 * checked, not hidden. Each is the price of missing no house number, telephone or ID number: an approver
 * who sees one may leave it masked (nothing is lost but a public detail) or say so in the review.
 */
const FALSE_POSITIVES: { name: string; input: string; expected: string }[] = [
  {
    name: 'a unit’s own office address is masked like a home address',
    input: '我局办公地址：平邑县莲花路1号，欢迎监督。',
    expected: '我局办公地址：平邑县莲花路***，欢迎监督。',
  },
  {
    name: 'a unit’s published switchboard number is masked like a private one',
    input: '县行政审批服务局咨询电话0539-4210000。',
    expected: '县行政审批服务局咨询电话********。',
  },
  {
    name: 'a building of a public service centre looks like a block of flats',
    input: '请到政务服务中心3号楼2层办理。',
    expected: '请到政务服务中心***办理。',
  },
  {
    name: 'an 18-digit service record number that happens to look like an ID number',
    input: '办件编号370000202601150012',
    expected: '办件编号******************',
  },
  {
    name: 'a place name that starts with a surname before 反映',
    input: '温水反映强烈的问题已解决。',
    expected: '温某反映强烈的问题已解决。',
  },
];

/**
 * Known misses: personal data, or what some would call so, that the redaction leaves. Listed so that the limits
 * are known (an approver reads every text before approving); a change that starts finding one moves it to CASES.
 */
const KNOWN_MISSES: { name: string; input: string }[] = [
  { name: 'a full name with no cue around it (nothing tells it from ordinary words)', input: '张建国的投诉已办结。' },
  { name: 'a surname with a post, which names the post (deliberate)', input: '王科长已电话回复。' },
  { name: 'a QQ number (not one of the kinds redacted)', input: 'QQ号 85012345' },
  { name: 'a fragment of an ID number too short to identify', input: '身份证后四位1234' },
  { name: 'an estate named without a building or room number (deliberate: a place, not a household)', input: '阳光花园小区的电梯坏了。' },
];

const digitsOf = (s: string): string => s.replace(/[^0-9０-９Xx]/g, '');

describe('redact', () => {
  it(`has at least 40 realistic cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('masks %s', (_, c) => {
    // act
    const result = redact(c.input);

    // assert
    expect(result.text).toBe(c.expected);
    expect(result.findings.map((f) => f.kind)).toEqual(c.kinds);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('leaves none of the personal data of %s', (_, c) => {
    // act
    const { text } = redact(c.input);

    // assert: neither as written nor as bare digits (a number with its separators removed)
    for (const secret of c.sensitive) {
      expect(text).not.toContain(secret);
      if (digitsOf(secret).length >= 7) expect(digitsOf(text)).not.toContain(digitsOf(secret));
    }
    expect(text).not.toMatch(/[0-9０-９]{7,}/);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('reports where the masked spans of %s were', (_, c) => {
    // act
    const { findings } = redact(c.input);

    // assert: offsets into the input, in order, not overlapping, and covering every secret
    findings.forEach((f, i) => {
      expect(f.start).toBeLessThan(f.end);
      if (i > 0) expect(f.start).toBeGreaterThanOrEqual(findings[i - 1]!.end);
    });
    const masked = findings.map((f) => c.input.slice(f.start, f.end)).join('\n');
    for (const secret of c.sensitive.filter((s) => c.input.includes(s))) {
      expect(masked).toContain(secret);
    }
  });

  it.each(CASES.map((c) => [c.name, c] as const))('changes nothing when run again on %s', (_, c) => {
    // act
    const once = redact(c.input);
    const twice = redact(once.text);

    // assert
    expect(twice.text).toBe(once.text);
    expect(twice.findings).toEqual([]);
  });

  it.each(CLEAN_TEXTS)('leaves %s as it is', (input) => {
    expect(redact(input)).toEqual({ text: input, findings: [] });
  });

  it.each(FALSE_POSITIVES.map((c) => [c.name, c] as const))('false positive, known and accepted: %s', (_, c) => {
    expect(redact(c.input).text).toBe(c.expected);
  });

  it.each(KNOWN_MISSES.map((c) => [c.name, c] as const))('known miss, listed: %s', (_, c) => {
    expect(redact(c.input).text).toBe(c.input);
  });

  it('uses masks of one length whatever the number, so a mask tells nothing of what it hid', () => {
    // act
    const short = redact('身份证370326660823067').text;
    const long = redact('身份证37132619881105002X').text;

    // assert
    expect(short).toBe(long);
    expect(short).toBe(`身份证${REDACTION_MASKS.idNumber}`);
  });

  it('is idempotent and loses no number on texts assembled from the cases', () => {
    // prepare: any sequence of case texts and clean texts, as sentences
    const piece = fc.oneof(
      fc.constantFrom(...CASES.map((c) => c.input)),
      fc.constantFrom(...CLEAN_TEXTS),
    );

    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (pieces) => {
        // act
        const once = redact(pieces.join('。'));

        // assert
        expect(redact(once.text).text).toBe(once.text);
        for (const secret of CASES.flatMap((c) => c.sensitive).filter((s) => digitsOf(s).length >= 7)) {
          expect(digitsOf(once.text)).not.toContain(digitsOf(secret));
        }
      }),
      { numRuns: 200 },
    );
  });
});
