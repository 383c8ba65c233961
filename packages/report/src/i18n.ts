/**
 * Every word of the audit report and the auditor console, in zh-CN and en: one catalogue in the
 * shape of the SDK's (`MESSAGES[locale][key]`, `{name}` placeholders, a unit test checking both
 * locales have every key with the same placeholders). A lender can replace any message with its
 * own wording (`ReportMessageOverrides`, checked by `checkReportMessages`).
 *
 * Codes from the bundle (event types, verifier reasons, challenge kinds, failure reasons, …) are
 * shown as words with the code beside them — "眨眼（blink）" — so an auditor can search for the
 * code in the event log and the docs. A code the catalogue has no word for is shown as the code.
 */
import { DualrecError, ERROR_MESSAGES } from '@dualrec/evidence';

export type ReportLocale = 'zh-CN' | 'en';
export const REPORT_LOCALES: readonly ReportLocale[] = ['zh-CN', 'en'];

const zh = {
  // The report page
  'report.title': 'dualrec 审计报告 — {id}',
  'report.generated': '由 dualrec 于 {time} 生成。',
  'report.timeZone': '时间按审计人员所在时区 {zone} 显示（{offset}）。',
  'report.opened': '已用贷款机构的密钥解密：含个人信息，请按贵机构的保存期限与访问规定处理。',
  'report.notOpened': '未解密：本报告不含个人信息。',
  'verdict.valid': '✔ 有效 — 证据包完整，由设备密钥签名，并与贷款机构签发的票据绑定。',
  'verdict.invalid': '✘ 无效 — 请勿依据此证据包。',
  'verdict.short.valid': '有效',
  'verdict.short.invalid': '无效',
  'reason.line': '{reason}',
  'reason.lineWithFile': '{reason}：{file}',
  'reason.technical': '验证器原文（英文，供检索）',
  'why.zip.read': 'ZIP 读取器在此处停止',
  'why.entry.required': '证据包缺少必需文件 {name}',
  'why.entry.unlisted': '该文件不在清单中',
  'why.entry.absent': '清单列出了该文件，但证据包中没有',
  'why.entry.order': '文件顺序不是清单顺序（清单文件、manifest.json、manifest.jws）',
  'why.manifest.json': '清单无法解析为 JSON',
  'why.manifest.canonical': '清单不是 RFC 8785 规范化形式',
  'why.manifest.schema': '清单有 {count} 处与格式不符',
  'why.signature.check': '签名核验未通过',
  'why.ticket.check': '票据核验未通过',
  'why.ticket.key': '票据绑定的设备密钥指纹与清单中的设备密钥不同',
  'why.ticket.claims': '票据中的字段 {claims} 与清单不一致',
  'why.ticket.nonce': '票据的一次性随机数不是为本次会话签发的那个',
  'why.ticket.expired': '会话开始于 {started}，票据已于 {expired} 过期',
  'why.ticket.early': '会话开始于 {started}，早于票据签发时间 {issued}',
  'why.size.limit': '大小 {size} 字节，上限 {max} 字节',
  'why.timestamp.none': '证据包旁没有时间戳令牌',
  'why.timestamp.check': '时间戳令牌（{where}）核验未通过',
  'why.key.unwrap': '所给私钥不是本证据包的接收方之一，或内容密钥被改动',
  'why.crc.header': 'ZIP 头中的 CRC-32 与清单不同',
  'why.crc.data': '存储数据的 CRC-32 为 {crc}，ZIP 头记录为 {expected}',
  'why.file.size': '文件 {size} 字节，清单记录 {expected} 字节',
  'why.file.hash': '内容哈希与清单不同',
  'why.record.header.format': '不是 RFC 8188 aes128gcm 加密头',
  'why.record.header.size': '记录大小为 {rs}，清单记录为 {expectedRs}（共 {expectedRecords} 条记录）',
  'why.record.check': '解密核验加密记录时发现问题',
  'why.events.utf8': '事件日志不是有效的 UTF-8 文本',
  'why.events.newline': '事件日志最后一行没有换行符',
  'why.events.stopped': '发现 {problems} 处问题后，检查在第 {line} 行（共 {lines} 行）停止，其余未检查',
  'why.events.line.long': '第 {line} 行超过 {max} 字节，未解析',
  'why.events.line.json': '第 {line} 行不是规范化 JSON',
  'why.events.line.shape': '第 {line} 行不是有效的事件',
  'why.events.prev': '第 {line} 行（序号 {seq}）的前一哈希与上一行不符',
  'why.events.seq': '第 {line} 行序号为 {seq}，应为 {expected}',
  'why.events.time': '第 {line} 行的单调时间倒退',
  'why.events.first': '第一个事件不是会话开始（session.start）',
  'why.events.starts': '会话开始（session.start）出现了 {count} 次',
  'why.events.end.none': '没有会话结束（session.end）事件',
  'why.events.end.early': '会话结束（session.end）之后还有事件',
  'why.events.head': '日志有 {count} 个事件，链头 {head}；清单记录 {expected} 个，链头 {expectedHead}',
  'why.events.startedAt': '清单的开始时间不是会话开始事件的时间',
  'why.events.endedAt': '清单的结束时间不是会话结束事件的时间',
  'why.events.segments': '以下话术段落没有朗读记录：{segments}',
  'why.events.sealed': '序号 {seq} 的事件中加密字段无法解开',
  'why.reasons.truncated': '另有 {omitted} 处问题（最多列出 {max} 处）',
  'why.where.beside': '证据包旁',
  'why.notice.synthetic': '这是生成的样本，不是真实会话',
  'why.notice.records': '未提供私钥：已核对哈希，未解密加密记录和加密字段',
  'why.notice.timestamp':
    '{where}的时间戳令牌完好，覆盖 manifest.jws（{time}），但未提供时间戳机构证书来信任它',
  'why.where.entry': '证据包内 timestamp.tsr',
  'section.checks': '检查项',
  'section.facts': '会话、票据与设备密钥',
  'section.recording': '录像',
  'section.stills': '图片',
  'section.steps': '步骤',
  'section.script': '风险揭示话术：展示、朗读与确认',
  'section.liveness': '活体检测',
  'section.ocr': '身份证（OCR 识别，经申请人确认）',
  'section.interruptions': '中断',
  'section.timeline': '时间线',
  'column.step': '步骤',
  'column.status': '状态',
  'column.summary': '摘要',
  'column.segment': '段落',
  'column.textShown': '展示的文字',
  'column.result': '结果',
  'column.time': '时间',
  'column.event': '事件',
  'time.seconds': '{s} 秒',
  'recording.caption': '{name}（{type}，加密后 {size} 字节）',
  'recording.sealed': '{name} — 已加密，未解密',
  'seek.title': '从此处播放',
  'script.sealed': '（已加密）',
  'interruptions.none': '无记录。',
  'interruptions.unknown': '未知（未解密）。',
  'ocr.checksumValid': '身份证号校验位正确（GB 11643）',
  'ocr.checksumInvalid': '身份证号校验位错误',
  'list.separator': '、',
  'list.clauses': '；',
  'interruption.line': '{time}：{text}',
  'term.format': '{word}（{code}）',
  // Checks
  'check.integrity': '证据包完整性与签名',
  'check.integrity.ok': '所有文件哈希、事件链、设备签名与贷款机构票据均校验通过',
  'check.timestamp': 'RFC 3161 时间戳',
  'check.timestamp.detail': '{time}，签发方 {tsa}',
  'check.timestamp.notChecked': '（未核验：未提供 TSA 证书）',
  'check.timestamp.verified': '（令牌已核验）',
  'check.timestamp.invalid': '（无效）',
  'check.timestamp.none': '证据包旁没有时间戳令牌',
  'check.decrypted': '已用贷款机构密钥解密',
  'check.decrypted.ok': '录像与加密字段已解密并通过认证',
  'check.decrypted.no': '未解密（没有私钥，或证据包无效）',
  'check.liveness': '活体检测',
  'check.liveness.none': '没有活体检测结果',
  'check.disclosure': '风险揭示与确认',
  'check.disclosure.detail': '话术{outcome}；共 {total} 段，已进行 {reached} 段',
  'check.disclosure.none': '话术未运行',
  'check.presence': '申请人全程在画面中',
  'check.presence.ok': '每一段都只有一张正脸（≥ 80%）',
  'check.presence.low': '以下段落正脸占比低于 80%：{segments}',
  'check.presence.unmeasured': '以下段落未测量：{segments}',
  'check.presence.unmeasuredWhy': '以下段落未测量：{segments}（{reason}）',
  'check.presence.noSegments': '没有可测量的话术段落',
  'check.idCard': '身份证',
  'check.idCard.valid': '{side}（身份证号校验位正确）',
  'check.idCard.invalid': '{side}（身份证号校验位错误）',
  'check.idCard.unknown': '{side}',
  'check.idCard.none': '未识别身份证',
  'check.continuity': '录像连续',
  'check.continuity.ok': '未记录任何中断或间隙',
  // Facts
  'fact.synthetic': '样本',
  'fact.synthetic.value': '这是样本证据包，不是真实会话',
  'fact.bundle': '证据包',
  'fact.bundle.value': '{source} — {size} 字节，SHA-256 {sha}',
  'fact.session': '会话',
  'fact.lender': '贷款机构',
  'fact.deviceTime': '设备时间',
  'fact.deviceTime.value': '{start} → {end}（设备自报）',
  'fact.script': '话术',
  'fact.script.value': '{id}，SHA-256 {sha}',
  'fact.ticket': '票据',
  'fact.ticket.value': '一次性随机数 {nonce}，签发于 {iat}，有效期至 {exp}',
  'fact.deviceKey': '设备密钥',
  'fact.deviceKey.value': '指纹 {jkt}（{kty} {crv}）',
  'fact.sdk': 'SDK',
  'fact.device': '设备',
  'fact.events': '事件',
  'fact.events.value': '共 {count} 条，链头 {hash}',
  // Segment details
  'segment.speech': '有声 {ratio}，共 {seconds} 秒，音量 {level} dB',
  'segment.lipSync': '唇音同步 {score}',
  'segment.lipSyncIssue': '唇音同步 {score}（{issue}）',
  'segment.presence': '正脸 {frontal}，多张人脸 {multiple}',
  'segment.tapped': '点击了“{choice}”',
  'segment.answer': '回答：{answer}',
  // Timeline: one sentence per event type
  'event.unknown': '未识别的事件',
  'event.session.start': '会话开始（语言 {locale}{elder}，模式 {mode}）',
  'event.session.start.elder': '，长辈模式',
  'event.support.report': '设备检查：{mode}',
  'event.consent.given': '已单独同意 {scope}（文本 {sha}…）',
  'event.consent.declined': '申请人不同意',
  'event.ocr.card.captured': '已拍摄身份证{side}（{file}）',
  'event.ocr.portrait.captured': '已从身份证人像面裁出证件照（{file}，{how}），供人证比对',
  'portraitFrom.outline': '按证件轮廓定位',
  'portraitFrom.text': '按证件文字定位',
  'event.ocr.card.result': '已识别身份证{side}',
  'event.ocr.card.result.valid': '已识别身份证{side}，身份证号校验位正确',
  'event.ocr.card.result.invalid': '已识别身份证{side}，身份证号校验位错误',
  'event.ocr.card.rejected': '身份证{side}未被接受（{reason}），第 {attempt} 次',
  'event.ocr.card.retake': '申请人选择重拍身份证{side}',
  'event.ocr.result': '已识别身份证{side}',
  'event.face.liveness.start': '活体检测开始（{mode}；动作 {challenges}）',
  'event.face.baseline': '已测量自然表情基线',
  'event.face.challenge.start': '动作 {index}：{kind}',
  'event.face.challenge.start.retry': '动作 {index}：{kind}（第 {attempt} 次）',
  'event.face.challenge.passed': '动作通过：{kind}',
  'event.face.challenge.failed': '动作未通过：{kind}（{reason}）',
  'event.face.passive.live': '静默活体：真人（眨眼 {blinks} 次，非刚性运动 {nonRigid}）',
  'event.face.passive.notLive': '静默活体：未确认真人（眨眼 {blinks} 次，非刚性运动 {nonRigid}）',
  'event.face.liveness.result': '活体检测{verdict}',
  'event.face.liveness.result.reasons': '活体检测{verdict}：{reasons}',
  'event.liveness.result': '活体检测{verdict}（动作 {challenges}）',
  'event.face.best-frame': '已保留最佳人脸帧（{file}，偏转 {yaw}°）',
  'event.face.match.match':
    '设备端人脸比对：{probe} 与 {reference} 一致（阈值 {threshold}；分数已加密，请用 dualrec face-match 复核）',
  'event.face.match.no-match':
    '设备端人脸比对：{probe} 与 {reference} 不一致（阈值 {threshold}；分数已加密，请用 dualrec face-match 复核）',
  'event.face.match.skipped': '未进行人脸比对：没有参照照片',
  'event.face.match.no-face': '人脸比对未完成：照片中未找到人脸',
  'event.face.multiple': '画面中出现第二张人脸',
  'event.face.multiple.end': '第二张人脸持续 {seconds} 秒（最多 {count} 张人脸）',
  'event.face.absent': '面部离开画面',
  'event.face.absent.end': '面部离开画面 {seconds} 秒',
  'event.face.presence':
    '“{segment}”段人脸在场：一张人脸 {one}，正脸 {frontal}，无人脸 {none}，多张人脸 {multiple}',
  'event.capture.camera.opened': '摄像头已打开 {width}×{height} @ {fps} 帧/秒，回声消除{echo}',
  'event.capture.camera.ended': '摄像头/麦克风轨道已结束（{kind}）',
  'event.capture.recording.started': '第 {part} 段录像开始（{type}）',
  'event.capture.recording.stopped': '第 {part} 段录像结束（{reason}），{seconds} 秒',
  'event.capture.recording.stats': '录像 {kbps} kbit/s，间隙 {gaps} 处，平均音量 {dbfs} dBFS，静音 {silent}',
  'event.capture.recording.gap': '录像间隙：{ms} 毫秒没有数据块',
  'event.capture.recording.format': '录像格式：{type}',
  'event.capture.visibility.hidden': '页面切到后台（隐藏）',
  'event.capture.visibility.visible': '页面回到前台（{state}）',
  'event.capture.devices.changed':
    '摄像头/麦克风发生变化（现有摄像头 {cameras} 个，麦克风 {microphones} 个）',
  'event.capture.interrupted': '录制中断（{reason}），间隔 {seconds} 秒',
  'event.capture.segment.start': '“{segment}”段开始于第 {part} 段录像的第 {seconds} 秒',
  'event.capture.segment.end': '“{segment}”段结束',
  'event.recording.degraded': '在没有人脸分析的情况下录像（{reason}）',
  'event.recording.start': '录像开始（{file}，{type}）',
  'event.recording.stop': '录像结束（{file}，{size} 字节，{records} 条记录）',
  'event.speech.segment': '“{segment}”段（{kind}）：{outcome}',
  'event.speech.segment.reasons': '“{segment}”段（{kind}）：{outcome} — {reasons}',
  'event.speech.segment.recorded': '已记录“{segment}”段',
  'event.speech.tap': '申请人在“{segment}”段点击了“{choice}”',
  'event.speech.reprompt': '“{segment}”段重新提示（{reason}）',
  'event.speech.flow.end': '风险揭示话术{outcome}',
  'event.session.step.failed': '步骤 {step} 失败（{code}）',
  'event.session.step.failed.retried': '步骤 {step} 失败（{code}），已重试',
  'event.ui.locale': '界面语言切换为 {locale}',
  'event.ui.elder-mode.on': '长辈模式已开启',
  'event.ui.elder-mode.off': '长辈模式已关闭',
  'event.session.end': '会话结束：{status}',
  // The auditor console
  'console.title': 'dualrec 审计控制台',
  'console.intro': '核验证据包并查看审计报告。证据包和密钥只在本浏览器中处理，不会上传。',
  'console.language': '语言',
  'console.bundle': '证据包（.zip）',
  'console.keys': '贷款机构密钥文件（ticket-signing.public.jwk；解密需 encryption.private.jwk）',
  'console.timestamp': '可选：证据包的时间戳令牌（.tsr）和 TSA 证书（tsa.crt）',
  'console.verify': '核验并显示报告',
  'console.choose': '选择文件',
  'console.noFile': '未选择文件',
  'console.reportTitle': '审计报告',
  'console.chooseBundle': '请先选择证据包。',
  'console.phase.reading': '正在读取证据包',
  'console.phase.verifying': '正在核验签名、哈希和事件链',
  'console.phase.decrypting': '正在解密录像和个人信息字段',
  'console.phase.rendering': '正在生成报告',
  'console.failed': '无法核验：{message}',
  'console.done.opened': '已核验并解密。',
  'console.done.notOpened': '已核验（未解密）。',
  'console.summary.valid': '有效',
  'console.summary.invalid': '无效 — {reason}',
  'console.error.notJwk': '{file} 不是 JWK（JSON）文件',
  'console.error.noTicketKey': '所选文件中没有票据签名密钥（ticket-signing.public.jwk）',
  'console.error.noSignature': '证据包中没有签名文件',
  // Words for codes: verifier reasons and notices
  'reason.ZIP_MALFORMED': 'ZIP 结构损坏',
  'reason.ZIP_UNSUPPORTED': 'ZIP 特性不受支持',
  'reason.ZIP_NONCANONICAL': 'ZIP 布局不规范',
  'reason.ZIP_LIMIT_EXCEEDED': '超出 ZIP 大小或数量限制',
  'reason.ZIP_UNSAFE_NAME': 'ZIP 中有不安全的文件名',
  'reason.ZIP_DUPLICATE_NAME': 'ZIP 中有重名文件',
  'reason.ZIP_CRC_MISMATCH': 'ZIP 校验和不符',
  'reason.ENTRY_MISSING': '缺少文件',
  'reason.ENTRY_UNLISTED': '有清单未列出的文件',
  'reason.MANIFEST_INVALID_JSON': '清单不是有效的 JSON',
  'reason.MANIFEST_NOT_CANONICAL': '清单不是规范化 JSON',
  'reason.MANIFEST_SCHEMA': '清单格式不符',
  'reason.SIGNATURE_MALFORMED': '设备签名格式错误',
  'reason.SIGNATURE_INVALID': '设备签名无效',
  'reason.SIGNATURE_NOT_CANONICAL': '签名不是规范（低 S）形式',
  'reason.TICKET_MALFORMED': '票据格式错误',
  'reason.TICKET_SIGNATURE_INVALID': '票据签名无效',
  'reason.TICKET_KEY_MISMATCH': '票据绑定的设备密钥不符',
  'reason.TICKET_CLAIM_MISMATCH': '票据声明与清单不符',
  'reason.TICKET_NONCE_MISMATCH': '票据一次性随机数不符',
  'reason.TICKET_EXPIRED': '票据已过期',
  'reason.TICKET_NOT_YET_VALID': '票据尚未生效',
  'reason.FILE_SIZE_MISMATCH': '文件大小不符',
  'reason.FILE_HASH_MISMATCH': '文件哈希不符',
  'reason.EVENTS_MALFORMED': '事件日志格式错误',
  'reason.EVENTS_SEQUENCE': '事件序号不连续',
  'reason.EVENTS_CHAIN_BROKEN': '事件哈希链断裂',
  'reason.EVENTS_HEAD_MISMATCH': '事件链头与清单不符',
  'reason.EVENTS_INCOMPLETE': '事件日志不完整',
  'reason.REASONS_TRUNCATED': '其余问题未逐条列出（只计数）',
  'reason.KEY_UNWRAP_FAILED': '无法用该密钥解开内容密钥',
  'reason.RECORD_HEADER_INVALID': '加密记录头无效',
  'reason.RECORD_AUTH_FAILED': '加密记录认证失败（数据被改动）',
  'reason.RECORD_MISSING': '缺少加密记录',
  'reason.RECORD_DUPLICATED': '加密记录重复',
  'reason.RECORD_REORDERED': '加密记录顺序被打乱',
  'reason.RECORD_TRUNCATED': '加密记录被截断',
  'reason.RECORD_AFTER_FINAL': '最后一条记录之后还有数据',
  'reason.RECORD_PADDING_INVALID': '加密记录填充无效',
  'reason.EVENT_SEALED_INVALID': '事件中的加密字段无效',
  'reason.TIMESTAMP_MISSING': '缺少时间戳令牌',
  'reason.TIMESTAMP_INVALID': '时间戳令牌无效',
  'reason.SYNTHETIC_BUNDLE': '样本证据包',
  'reason.TIMESTAMP_UNTRUSTED': '时间戳令牌不是受信任的时间戳机构签发',
  'reason.TIMESTAMP_NOT_TRUSTED': '时间戳未对照机构证书核验',
  'reason.RECORDS_NOT_CHECKED': '未检查加密记录（未提供私钥）',
  // Liveness
  'challenge.blink': '眨眼',
  'challenge.turn-left': '向左转头',
  'challenge.turn-right': '向右转头',
  'challenge.turn-head': '转头',
  'challenge.nod': '点头',
  'challenge.open-mouth': '张嘴',
  'livenessReason.positioning-timeout': '未能对准面部（超时）',
  'livenessReason.challenge-timeout': '动作超时',
  'livenessReason.timeout': '超时',
  'livenessReason.face-lost': '面部离开画面',
  'livenessReason.multiple-faces': '出现多张人脸',
  'livenessReason.passive-failed': '未能确认真人',
  'livenessReason.cancelled': '已取消',
  'livenessReason.locked-out': '失败次数过多，已锁定',
  'livenessVerdict.passed': '通过',
  'livenessVerdict.failed': '未通过',
  'livenessVerdict.locked-out': '已锁定',
  'livenessVerdict.cancelled': '已取消',
  'livenessMode.active': '动作活体',
  'livenessMode.passive': '静默活体',
  // Speech
  'segmentKind.read-aloud': '朗读',
  'segmentKind.question': '问答确认',
  'segmentKind.confirm': '确认',
  'segmentKind.prompt': '提示',
  'outcome.shown': '已展示',
  'outcome.passed': '通过',
  'outcome.confirmed': '已确认',
  'outcome.confirmed-by-tap': '点击确认',
  'outcome.rejected': '申请人拒绝',
  'outcome.failed': '未通过',
  'outcome.flagged': '已标记待复核',
  'outcome.not-reached': '未进行',
  'flowOutcome.completed': '已完成',
  'flowOutcome.completed-with-flags': '已完成（有待复核的段落）',
  'flowOutcome.rejected': '被申请人拒绝',
  'flowOutcome.failed': '未通过',
  'flowOutcome.aborted': '已中止',
  'speechReason.no-speech': '没有说话',
  'speechReason.too-short': '朗读过短',
  'speechReason.speech-fragmented': '语音断续',
  'speechReason.mouth-not-visible': '看不到嘴部',
  'speechReason.mouth-not-moving': '嘴部没有动',
  'speechReason.lip-sync-mismatch': '唇音不同步',
  'speechReason.text-mismatch': '朗读内容不符',
  'speechReason.answer-unclear': '回答不清楚',
  'speechReason.recogniser-error': '语音识别出错',
  'speechReason.rejected-by-applicant': '申请人拒绝',
  'speechReason.flagged': '段落待复核',
  'lipIssue.too-few-samples': '样本太少',
  'lipIssue.mouth-static': '嘴部静止',
  'lipIssue.audio-silent': '没有声音',
  'choice.yes': '是',
  'choice.no': '否',
  // Capture, session, steps
  'supportMode.full': '完整',
  'supportMode.record-only': '仅录像',
  'supportMode.unsupported': '不支持',
  'sessionStatus.completed': '已完成',
  'sessionStatus.interrupted': '已中断',
  'sessionStatus.cancelled': '已取消',
  'sessionStatus.failed': '失败',
  'sessionStatus.declined': '申请人不同意',
  'stopReason.stopped': '正常停止',
  'interruptReason.page-reload': '页面重新加载',
  'interruptReason.page-hidden': '页面被切到后台',
  'interruptReason.crash': '应用崩溃',
  'degradedReason.face-model-unavailable': '人脸模型不可用',
  'trackKind.video': '视频',
  'trackKind.audio': '音频',
  'onOff.on': '开',
  'onOff.off': '关',
  'consentScope.face-data': '人脸与声音信息',
  'mediaRole.id-card': '身份证照片',
  'mediaRole.id-portrait': '身份证证件照（人像）',
  'mediaRole.best-frame': '最佳人脸帧',
  'mediaRole.face': '人脸照片',
  'mediaRole.recording': '录像',
  'side.front': '人像面',
  'side.back': '国徽面',
  'cardReject.no-card': '没有找到证件',
  'cardReject.wrong-side': '拍成了另一面',
  'cardReject.too-small': '照片或证件太小',
  'cardReject.blurry': '照片模糊',
  'cardReject.glare': '证件反光',
  'cardReject.too-dark': '光线太暗',
  'field.name': '姓名',
  'field.idNumber': '身份证号',
  'field.sex': '性别',
  'field.ethnicity': '民族',
  'field.birth': '出生',
  'field.birthDate': '出生日期',
  'field.address': '住址',
  'field.issuer': '签发机关',
  'field.validity': '有效期限',
  'fieldStatus.verified': '已核验',
  'fieldStatus.needs-confirmation': '需申请人确认',
  'fieldStatus.invalid': '无效',
  'step.support': '设备检查',
  'step.consent': '授权同意',
  'step.ocr': '身份证识别',
  'step.id-front': '身份证人像面',
  'step.id-back': '身份证国徽面',
  'step.liveness': '活体检测',
  'step.read-aloud': '朗读',
  'step.recording': '录音录像',
  'step.seal': '加密封存',
  'step.upload': '上传',
  'stepStatus.passed': '通过',
  'stepStatus.failed': '失败',
  'stepStatus.skipped': '跳过',
  'stepStatus.fallback': '降级处理',
  'summaryKey.challenges': '动作数',
  'summaryKey.segments': '段落数',
  'summaryKey.fields': '字段数',
  'summaryKey.idNumberValid': '身份证号校验位正确',
  'summaryKey.synthetic': '样本',
  'summaryKey.textVersion': '文本版本',
  'summaryKey.textSha256': '文本 SHA-256',
  'summaryKey.side': '证件面',
  'summaryKey.attempts': '尝试次数',
  'summaryKey.fieldsVerified': '已核验字段数',
  'summaryKey.challengesPassed': '通过的动作数',
  'summaryKey.passiveLive': '静默活体确认真人',
  'summaryKey.durationMs': '用时（毫秒）',
  'summaryKey.analyzer': '分析方式',
  'summaryKey.bestFrame': '已保留最佳人脸帧',
  'summaryKey.outcome': '结果',
  'summaryKey.part': '录像段',
  'summaryKey.recordedMs': '录像时长（毫秒）',
  'summaryKey.mediaType': '媒体类型',
  'summaryKey.sealedBytes': '加密后字节数',
  'summaryKey.facePresence': '测量了人脸在场',
  'summaryKey.flaggedSegments': '待复核段落',
  'summaryKey.size': '大小（字节）',
  'summaryKey.files': '文件数',
  'summaryKey.ms': '用时（毫秒）',
  'summaryKey.liveBytes': '录制中已上传字节数',
  'summaryKey.live': '录制中上传',
  'summaryKey.bytes': '字节数',
  'summaryKey.sentDuringRecording': '录制中发送字节数',
  'summaryKey.sentAtEnd': '结束后发送字节数',
  'summaryKey.retries': '重试次数',
  'summaryKey.verdict': '服务器核验结果',
  'summaryKey.timestamped': '已加时间戳',
  'summaryKey.mode': '模式',
  'summary.item': '{key}：{value}',
  'summary.none': '无',
  'value.true': '是',
  'value.false': '否',
  'locale.zh-CN': '简体中文',
  'locale.en': '英文',
} as const;

export type ReportMessageKey = keyof typeof zh;

const en: Record<ReportMessageKey, string> = {
  'report.title': 'dualrec audit report — {id}',
  'report.generated': 'Generated {time} by dualrec.',
  'report.timeZone': 'Times are in the auditor’s time zone, {zone} ({offset}).',
  'report.opened':
    'Opened with the lender’s key: contains personal data — handle under your retention and access rules.',
  'report.notOpened': 'Not decrypted: no personal data in this report.',
  'verdict.valid':
    '✔ VALID — the bundle is intact, signed by the device key and bound to the lender’s ticket.',
  'verdict.invalid': '✘ INVALID — do not rely on this bundle.',
  'verdict.short.valid': 'VALID',
  'verdict.short.invalid': 'INVALID',
  'reason.line': '{reason}',
  'reason.lineWithFile': '{reason}: {file}',
  'reason.technical': 'the verifier’s own words',
  'why.zip.read': 'the ZIP reader stopped here',
  'why.entry.required': 'the bundle has no {name}',
  'why.entry.unlisted': 'the entry is not listed in the manifest',
  'why.entry.absent': 'listed in the manifest but absent',
  'why.entry.order': 'entries are not in manifest order (listed files, manifest.json, manifest.jws)',
  'why.manifest.json': 'the manifest does not parse as JSON',
  'why.manifest.canonical': 'the manifest is not in RFC 8785 canonical form',
  'why.manifest.schema': '{count} place(s) in the manifest do not match the format',
  'why.signature.check': 'the signature does not verify',
  'why.ticket.check': 'the ticket does not verify',
  'why.ticket.key': 'the ticket binds another device-key thumbprint than the device key in the manifest',
  'why.ticket.claims': 'ticket claims {claims} differ from the manifest',
  'why.ticket.nonce': 'the ticket nonce is not the one issued for this session',
  'why.ticket.expired': 'session started {started}; the ticket expired {expired}',
  'why.ticket.early': 'session started {started}, before the ticket was issued ({issued})',
  'why.size.limit': '{size} bytes; at most {max}',
  'why.timestamp.none': 'no time-stamp token beside the bundle',
  'why.timestamp.check': 'the time-stamp token ({where}) does not verify',
  'why.key.unwrap': 'the key given is not a recipient of this bundle, or the content key was altered',
  'why.crc.header': 'the ZIP header CRC-32 differs from the manifest',
  'why.crc.data': 'CRC-32 of the stored bytes is {crc}; the ZIP headers say {expected}',
  'why.file.size': '{size} bytes; the manifest says {expected}',
  'why.file.hash': 'the content hash differs from the manifest',
  'why.record.header.format': 'not an RFC 8188 aes128gcm header',
  'why.record.header.size': 'record size {rs}; the manifest says {expectedRs} ({expectedRecords} records)',
  'why.record.check': 'decrypting the records found a problem',
  'why.events.utf8': 'the event log is not valid UTF-8',
  'why.events.newline': 'the last line of the event log does not end with a newline',
  'why.events.stopped':
    'checking stopped at line {line} of {lines} after {problems} problems; the rest was not checked',
  'why.events.line.long': 'line {line} is longer than {max} bytes and was not parsed',
  'why.events.line.json': 'line {line} is not canonical JSON',
  'why.events.line.shape': 'line {line} is not a valid event',
  'why.events.prev': 'line {line} (seq {seq}): prev does not match the hash of the line before it',
  'why.events.seq': 'line {line} has seq {seq}, expected {expected}',
  'why.events.time': 'line {line}: the monotonic time goes back',
  'why.events.first': 'the first event is not session.start',
  'why.events.starts': 'session.start appears {count} times',
  'why.events.end.none': 'no session.end event',
  'why.events.end.early': 'events follow session.end',
  'why.events.head':
    'the log has {count} events ending in {head}; the manifest says {expected} ending in {expectedHead}',
  'why.events.startedAt': 'manifest.startedAt is not the time of session.start',
  'why.events.endedAt': 'manifest.endedAt is not the time of session.end',
  'why.events.segments': 'script segments never read: {segments}',
  'why.events.sealed': 'the sealed fields of event seq {seq} do not open',
  'why.reasons.truncated': 'and {omitted} more (at most {max} are listed)',
  'why.where.beside': 'beside the bundle',
  'why.notice.synthetic': 'a generated sample, not a real session',
  'why.notice.records':
    'no private key given: hashes were checked, records and sealed fields were not decrypted',
  'why.notice.timestamp':
    'the time-stamp token {where} is sound and covers manifest.jws ({time}), but no TSA certificate was given to trust it',
  'why.where.entry': 'timestamp.tsr in the bundle',
  'section.checks': 'Checks',
  'section.facts': 'Session, ticket and device key',
  'section.recording': 'Recording',
  'section.stills': 'Stills',
  'section.steps': 'Steps',
  'section.script': 'Disclosure script: as shown, as read, as confirmed',
  'section.liveness': 'Liveness',
  'section.ocr': 'ID card (OCR, confirmed by the applicant)',
  'section.interruptions': 'Interruptions',
  'section.timeline': 'Timeline',
  'column.step': 'step',
  'column.status': 'status',
  'column.summary': 'summary',
  'column.segment': 'segment',
  'column.textShown': 'text shown',
  'column.result': 'result',
  'column.time': 'time',
  'column.event': 'event',
  'time.seconds': '{s} s',
  'recording.caption': '{name} ({type}, {size} bytes sealed)',
  'recording.sealed': '{name} — sealed, not decrypted',
  'seek.title': 'play from here',
  'script.sealed': '(sealed)',
  'interruptions.none': 'None recorded.',
  'interruptions.unknown': 'Not known (not decrypted).',
  'ocr.checksumValid': 'ID number checksum valid (GB 11643)',
  'ocr.checksumInvalid': 'ID number checksum INVALID',
  'list.separator': ', ',
  'list.clauses': '; ',
  'interruption.line': '{time}: {text}',
  'term.format': '{word} ({code})',
  'check.integrity': 'Bundle integrity and signatures',
  'check.integrity.ok': 'every file hash, the event chain, the device signature and the lender ticket verify',
  'check.timestamp': 'RFC 3161 time-stamp',
  'check.timestamp.detail': '{time} by {tsa}',
  'check.timestamp.notChecked': ' (not checked: no TSA certificate given)',
  'check.timestamp.verified': ' (token verified)',
  'check.timestamp.invalid': ' (INVALID)',
  'check.timestamp.none': 'no time-stamp token beside the bundle',
  'check.decrypted': 'Decrypted with the lender key',
  'check.decrypted.ok': 'media and sealed fields decrypted and authenticated',
  'check.decrypted.no': 'not opened (no private key, or the bundle is invalid)',
  'check.liveness': 'Liveness',
  'check.liveness.none': 'no liveness result',
  'check.disclosure': 'Risk disclosure and confirmations',
  'check.disclosure.detail': 'script {outcome}; {reached} of {total} segments',
  'check.disclosure.none': 'the script did not run',
  'check.presence': 'Applicant visible throughout',
  'check.presence.ok': 'one frontal face in every segment (≥ 80%)',
  'check.presence.low': 'below 80% frontal in: {segments}',
  'check.presence.unmeasured': 'not measured in: {segments}',
  'check.presence.unmeasuredWhy': 'not measured in: {segments} ({reason})',
  'check.presence.noSegments': 'no script segments to measure',
  'check.idCard': 'ID card',
  'check.idCard.valid': '{side} (ID number checksum valid)',
  'check.idCard.invalid': '{side} (ID number checksum INVALID)',
  'check.idCard.unknown': '{side}',
  'check.idCard.none': 'no ID card read',
  'check.continuity': 'Continuous recording',
  'check.continuity.ok': 'no interruption or gap recorded',
  'fact.synthetic': 'Synthetic',
  'fact.synthetic.value': 'this is a SAMPLE bundle, not a real session',
  'fact.bundle': 'Bundle',
  'fact.bundle.value': '{source} — {size} bytes, SHA-256 {sha}',
  'fact.session': 'Session',
  'fact.lender': 'Lender',
  'fact.deviceTime': 'Device time',
  'fact.deviceTime.value': '{start} → {end} (the device’s claim)',
  'fact.script': 'Script',
  'fact.script.value': '{id}, SHA-256 {sha}',
  'fact.ticket': 'Ticket',
  'fact.ticket.value': 'nonce {nonce}, issued {iat}, expires {exp}',
  'fact.deviceKey': 'Device key',
  'fact.deviceKey.value': 'thumbprint {jkt} ({kty} {crv})',
  'fact.sdk': 'SDK',
  'fact.device': 'Device',
  'fact.events': 'Events',
  'fact.events.value': '{count}, chain head {hash}',
  'segment.speech': 'voice {ratio} of {seconds} s, level {level} dB',
  'segment.lipSync': 'lip sync {score}',
  'segment.lipSyncIssue': 'lip sync {score} ({issue})',
  'segment.presence': 'frontal {frontal}, several faces {multiple}',
  'segment.tapped': 'tapped {choice}',
  'segment.answer': 'answer: {answer}',
  'event.unknown': 'unrecognised event',
  'event.session.start': 'session started ({locale}{elder}, mode {mode})',
  'event.session.start.elder': ', elder mode',
  'event.support.report': 'support check: {mode}',
  'event.consent.given': 'separate consent given for {scope} (text {sha}…)',
  'event.consent.declined': 'consent declined',
  'event.ocr.card.captured': 'ID card {side} photographed ({file})',
  'event.ocr.portrait.captured':
    'ID card portrait cut from the front side ({file}, {how}) for face verification',
  'portraitFrom.outline': 'placed by the card outline',
  'portraitFrom.text': 'placed by the printed text',
  'event.ocr.card.result': 'ID card {side} read',
  'event.ocr.card.result.valid': 'ID card {side} read, ID number checksum valid',
  'event.ocr.card.result.invalid': 'ID card {side} read, ID number checksum INVALID',
  'event.ocr.card.rejected': 'ID card {side} not accepted ({reason}), attempt {attempt}',
  'event.ocr.card.retake': 'the applicant chose to retake the ID card {side}',
  'event.ocr.result': 'ID card {side} read',
  'event.face.liveness.start': 'liveness started ({mode}; challenges {challenges})',
  'event.face.baseline': 'neutral face baseline measured',
  'event.face.challenge.start': 'challenge {index}: {kind}',
  'event.face.challenge.start.retry': 'challenge {index}: {kind} (attempt {attempt})',
  'event.face.challenge.passed': 'challenge passed: {kind}',
  'event.face.challenge.failed': 'challenge failed: {kind} ({reason})',
  'event.face.passive.live': 'passive liveness: live (blinks {blinks}, non-rigid {nonRigid})',
  'event.face.passive.notLive': 'passive liveness: NOT live (blinks {blinks}, non-rigid {nonRigid})',
  'event.face.liveness.result': 'liveness {verdict}',
  'event.face.liveness.result.reasons': 'liveness {verdict}: {reasons}',
  'event.liveness.result': 'liveness {verdict} (challenges {challenges})',
  'event.face.best-frame': 'best frame kept ({file}, yaw {yaw}°)',
  'event.face.match.match':
    'on-device face match: {probe} matches {reference} (threshold {threshold}; the score is sealed, recompute with dualrec face-match)',
  'event.face.match.no-match':
    'on-device face match: {probe} does not match {reference} (threshold {threshold}; the score is sealed, recompute with dualrec face-match)',
  'event.face.match.skipped': 'no face match: no reference photo',
  'event.face.match.no-face': 'face match not done: no face found in a photo',
  'event.face.multiple': 'a second face appeared',
  'event.face.multiple.end': 'a second face for {seconds} s (up to {count} faces)',
  'event.face.absent': 'the face left the frame',
  'event.face.absent.end': 'the face was out of frame for {seconds} s',
  'event.face.presence':
    'presence in "{segment}": one face {one}, frontal {frontal}, none {none}, several {multiple}',
  'event.capture.camera.opened': 'camera opened {width}×{height} @ {fps} fps, echo cancellation {echo}',
  'event.capture.camera.ended': 'camera/microphone track ended ({kind})',
  'event.capture.recording.started': 'recording part {part} started ({type})',
  'event.capture.recording.stopped': 'recording part {part} stopped ({reason}), {seconds} s',
  'event.capture.recording.stats':
    'recording {kbps} kbit/s, gaps {gaps}, audio mean {dbfs} dBFS, silent {silent}',
  'event.capture.recording.gap': 'recording gap: {ms} ms without a chunk',
  'event.capture.recording.format': 'recording format: {type}',
  'event.capture.visibility.hidden': 'the page went to the background (hidden)',
  'event.capture.visibility.visible': 'the page is {state} again',
  'event.capture.devices.changed':
    'cameras/microphones changed (now {cameras} cameras, {microphones} microphones)',
  'event.capture.interrupted': 'INTERRUPTED ({reason}), gap {seconds} s',
  'event.capture.segment.start': 'segment "{segment}" starts at {seconds} s of part {part}',
  'event.capture.segment.end': 'segment "{segment}" ends',
  'event.recording.degraded': 'recording without face analysis ({reason})',
  'event.recording.start': 'recording started ({file}, {type})',
  'event.recording.stop': 'recording stopped ({file}, {size} bytes, {records} records)',
  'event.speech.segment': 'segment "{segment}" ({kind}): {outcome}',
  'event.speech.segment.reasons': 'segment "{segment}" ({kind}): {outcome} — {reasons}',
  'event.speech.segment.recorded': 'segment "{segment}" recorded',
  'event.speech.tap': 'applicant tapped {choice} for "{segment}"',
  'event.speech.reprompt': 're-prompted "{segment}" ({reason})',
  'event.speech.flow.end': 'disclosure script {outcome}',
  'event.session.step.failed': 'step {step} failed ({code})',
  'event.session.step.failed.retried': 'step {step} failed ({code}), retried',
  'event.ui.locale': 'language switched to {locale}',
  'event.ui.elder-mode.on': 'elder mode on',
  'event.ui.elder-mode.off': 'elder mode off',
  'event.session.end': 'session ended: {status}',
  'console.title': 'dualrec auditor console',
  'console.intro':
    'Verify an evidence bundle and read its report. The bundle and the key stay in this browser: nothing is uploaded.',
  'console.language': 'Language',
  'console.bundle': 'Bundle (.zip)',
  'console.keys': 'Lender key files (ticket-signing.public.jwk; encryption.private.jwk to decrypt)',
  'console.timestamp': 'Optional: the bundle’s time-stamp token (.tsr) and the TSA certificate (tsa.crt)',
  'console.verify': 'Verify and show the report',
  'console.choose': 'Choose files',
  'console.noFile': 'no file chosen',
  'console.reportTitle': 'Audit report',
  'console.chooseBundle': 'Choose a bundle first.',
  'console.phase.reading': 'Reading the bundle',
  'console.phase.verifying': 'Verifying signatures, hashes and the event chain',
  'console.phase.decrypting': 'Decrypting the recording and personal fields',
  'console.phase.rendering': 'Writing the report',
  'console.failed': 'Could not verify: {message}',
  'console.done.opened': 'Verified and decrypted.',
  'console.done.notOpened': 'Verified (not decrypted).',
  'console.summary.valid': 'VALID',
  'console.summary.invalid': 'INVALID — {reason}',
  'console.error.notJwk': '{file} is not a JWK (JSON) file',
  'console.error.noTicketKey': 'no ticket-signing key among the files (ticket-signing.public.jwk)',
  'console.error.noSignature': 'the bundle has no signature',
  'reason.ZIP_MALFORMED': 'ZIP structure damaged',
  'reason.ZIP_UNSUPPORTED': 'unsupported ZIP feature',
  'reason.ZIP_NONCANONICAL': 'non-canonical ZIP layout',
  'reason.ZIP_LIMIT_EXCEEDED': 'ZIP size or count limit exceeded',
  'reason.ZIP_UNSAFE_NAME': 'unsafe file name in the ZIP',
  'reason.ZIP_DUPLICATE_NAME': 'duplicate file name in the ZIP',
  'reason.ZIP_CRC_MISMATCH': 'ZIP checksum mismatch',
  'reason.ENTRY_MISSING': 'file missing',
  'reason.ENTRY_UNLISTED': 'file not listed in the manifest',
  'reason.MANIFEST_INVALID_JSON': 'manifest is not valid JSON',
  'reason.MANIFEST_NOT_CANONICAL': 'manifest is not canonical JSON',
  'reason.MANIFEST_SCHEMA': 'manifest does not match the format',
  'reason.SIGNATURE_MALFORMED': 'device signature malformed',
  'reason.SIGNATURE_INVALID': 'device signature invalid',
  'reason.SIGNATURE_NOT_CANONICAL': 'signature not in canonical (low-S) form',
  'reason.TICKET_MALFORMED': 'ticket malformed',
  'reason.TICKET_SIGNATURE_INVALID': 'ticket signature invalid',
  'reason.TICKET_KEY_MISMATCH': 'ticket bound to another device key',
  'reason.TICKET_CLAIM_MISMATCH': 'ticket claims differ from the manifest',
  'reason.TICKET_NONCE_MISMATCH': 'ticket nonce mismatch',
  'reason.TICKET_EXPIRED': 'ticket expired',
  'reason.TICKET_NOT_YET_VALID': 'ticket not yet valid',
  'reason.FILE_SIZE_MISMATCH': 'file size mismatch',
  'reason.FILE_HASH_MISMATCH': 'file hash mismatch',
  'reason.EVENTS_MALFORMED': 'event log malformed',
  'reason.EVENTS_SEQUENCE': 'event sequence broken',
  'reason.EVENTS_CHAIN_BROKEN': 'event hash chain broken',
  'reason.EVENTS_HEAD_MISMATCH': 'event chain head differs from the manifest',
  'reason.EVENTS_INCOMPLETE': 'event log incomplete',
  'reason.REASONS_TRUNCATED': 'further problems counted, not listed',
  'reason.KEY_UNWRAP_FAILED': 'content key cannot be unwrapped with this key',
  'reason.RECORD_HEADER_INVALID': 'encrypted record header invalid',
  'reason.RECORD_AUTH_FAILED': 'encrypted record failed authentication (data changed)',
  'reason.RECORD_MISSING': 'encrypted record missing',
  'reason.RECORD_DUPLICATED': 'encrypted record duplicated',
  'reason.RECORD_REORDERED': 'encrypted records reordered',
  'reason.RECORD_TRUNCATED': 'encrypted records truncated',
  'reason.RECORD_AFTER_FINAL': 'data after the final record',
  'reason.RECORD_PADDING_INVALID': 'encrypted record padding invalid',
  'reason.EVENT_SEALED_INVALID': 'sealed event field invalid',
  'reason.TIMESTAMP_MISSING': 'time-stamp token missing',
  'reason.TIMESTAMP_INVALID': 'time-stamp token invalid',
  'reason.SYNTHETIC_BUNDLE': 'sample bundle',
  'reason.TIMESTAMP_UNTRUSTED': 'time-stamp not from a trusted TSA',
  'reason.TIMESTAMP_NOT_TRUSTED': 'time-stamp not checked against a TSA certificate',
  'reason.RECORDS_NOT_CHECKED': 'encrypted records not checked (no private key)',
  'challenge.blink': 'blink',
  'challenge.turn-left': 'turn left',
  'challenge.turn-right': 'turn right',
  'challenge.turn-head': 'turn head',
  'challenge.nod': 'nod',
  'challenge.open-mouth': 'open mouth',
  'livenessReason.positioning-timeout': 'face not positioned in time',
  'livenessReason.challenge-timeout': 'action timed out',
  'livenessReason.timeout': 'timeout',
  'livenessReason.face-lost': 'face left the picture',
  'livenessReason.multiple-faces': 'several faces',
  'livenessReason.passive-failed': 'no live person confirmed',
  'livenessReason.cancelled': 'cancelled',
  'livenessReason.locked-out': 'too many failures, locked out',
  'livenessVerdict.passed': 'passed',
  'livenessVerdict.failed': 'FAILED',
  'livenessVerdict.locked-out': 'locked out',
  'livenessVerdict.cancelled': 'cancelled',
  'livenessMode.active': 'active',
  'livenessMode.passive': 'passive',
  'segmentKind.read-aloud': 'read aloud',
  'segmentKind.question': 'question',
  'segmentKind.confirm': 'confirmation',
  'segmentKind.prompt': 'prompt',
  'outcome.shown': 'shown',
  'outcome.passed': 'passed',
  'outcome.confirmed': 'confirmed',
  'outcome.confirmed-by-tap': 'confirmed by tap',
  'outcome.rejected': 'rejected by the applicant',
  'outcome.failed': 'failed',
  'outcome.flagged': 'flagged for review',
  'outcome.not-reached': 'not reached',
  'flowOutcome.completed': 'completed',
  'flowOutcome.completed-with-flags': 'completed with flags',
  'flowOutcome.rejected': 'rejected by the applicant',
  'flowOutcome.failed': 'failed',
  'flowOutcome.aborted': 'aborted',
  'speechReason.no-speech': 'no speech',
  'speechReason.too-short': 'too short',
  'speechReason.speech-fragmented': 'speech fragmented',
  'speechReason.mouth-not-visible': 'mouth not visible',
  'speechReason.mouth-not-moving': 'mouth not moving',
  'speechReason.lip-sync-mismatch': 'lip sync mismatch',
  'speechReason.text-mismatch': 'text mismatch',
  'speechReason.answer-unclear': 'answer unclear',
  'speechReason.recogniser-error': 'recogniser error',
  'speechReason.rejected-by-applicant': 'rejected by the applicant',
  'speechReason.flagged': 'segment flagged',
  'lipIssue.too-few-samples': 'too few samples',
  'lipIssue.mouth-static': 'mouth static',
  'lipIssue.audio-silent': 'audio silent',
  'choice.yes': 'yes',
  'choice.no': 'no',
  'supportMode.full': 'full',
  'supportMode.record-only': 'record only',
  'supportMode.unsupported': 'unsupported',
  'sessionStatus.completed': 'completed',
  'sessionStatus.interrupted': 'interrupted',
  'sessionStatus.cancelled': 'cancelled',
  'sessionStatus.failed': 'failed',
  'sessionStatus.declined': 'declined',
  'stopReason.stopped': 'stopped',
  'interruptReason.page-reload': 'page reload',
  'interruptReason.page-hidden': 'page hidden',
  'interruptReason.crash': 'crash',
  'degradedReason.face-model-unavailable': 'face model unavailable',
  'trackKind.video': 'video',
  'trackKind.audio': 'audio',
  'onOff.on': 'on',
  'onOff.off': 'off',
  'consentScope.face-data': 'face and voice data',
  'mediaRole.id-card': 'ID card photo',
  'mediaRole.id-portrait': 'ID card portrait',
  'mediaRole.best-frame': 'best face frame',
  'mediaRole.face': 'face photo',
  'mediaRole.recording': 'recording',
  'side.front': 'front',
  'side.back': 'back',
  'cardReject.no-card': 'no card found',
  'cardReject.wrong-side': 'wrong side',
  'cardReject.too-small': 'photo or card too small',
  'cardReject.blurry': 'photo blurry',
  'cardReject.glare': 'glare on the card',
  'cardReject.too-dark': 'too dark',
  'field.name': 'name',
  'field.idNumber': 'ID number',
  'field.sex': 'sex',
  'field.ethnicity': 'ethnicity',
  'field.birth': 'born',
  'field.birthDate': 'birth date',
  'field.address': 'address',
  'field.issuer': 'issued by',
  'field.validity': 'valid',
  'fieldStatus.verified': 'verified',
  'fieldStatus.needs-confirmation': 'needs confirmation',
  'fieldStatus.invalid': 'invalid',
  'step.support': 'device check',
  'step.consent': 'consent',
  'step.ocr': 'ID card reading',
  'step.id-front': 'ID card photo side',
  'step.id-back': 'ID card emblem side',
  'step.liveness': 'liveness',
  'step.read-aloud': 'read aloud',
  'step.recording': 'recording',
  'step.seal': 'sealing',
  'step.upload': 'upload',
  'stepStatus.passed': 'passed',
  'stepStatus.failed': 'failed',
  'stepStatus.skipped': 'skipped',
  'stepStatus.fallback': 'fallback',
  'summaryKey.challenges': 'challenges',
  'summaryKey.segments': 'segments',
  'summaryKey.fields': 'fields',
  'summaryKey.idNumberValid': 'ID number checksum valid',
  'summaryKey.synthetic': 'synthetic',
  'summaryKey.textVersion': 'text version',
  'summaryKey.textSha256': 'text SHA-256',
  'summaryKey.side': 'side',
  'summaryKey.attempts': 'attempts',
  'summaryKey.fieldsVerified': 'fields verified',
  'summaryKey.challengesPassed': 'challenges passed',
  'summaryKey.passiveLive': 'passive liveness live',
  'summaryKey.durationMs': 'duration (ms)',
  'summaryKey.analyzer': 'analyzer',
  'summaryKey.bestFrame': 'best frame kept',
  'summaryKey.outcome': 'outcome',
  'summaryKey.part': 'recording part',
  'summaryKey.recordedMs': 'recorded (ms)',
  'summaryKey.mediaType': 'media type',
  'summaryKey.sealedBytes': 'sealed bytes',
  'summaryKey.facePresence': 'face presence measured',
  'summaryKey.flaggedSegments': 'flagged segments',
  'summaryKey.size': 'size (bytes)',
  'summaryKey.files': 'files',
  'summaryKey.ms': 'time (ms)',
  'summaryKey.liveBytes': 'bytes sent while recording',
  'summaryKey.live': 'uploaded while recording',
  'summaryKey.bytes': 'bytes',
  'summaryKey.sentDuringRecording': 'sent while recording',
  'summaryKey.sentAtEnd': 'sent at the end',
  'summaryKey.retries': 'retries',
  'summaryKey.verdict': 'server verdict',
  'summaryKey.timestamped': 'time-stamped',
  'summaryKey.mode': 'mode',
  'summary.item': '{key}: {value}',
  'summary.none': 'none',
  'value.true': 'yes',
  'value.false': 'no',
  'locale.zh-CN': 'Simplified Chinese',
  'locale.en': 'English',
};

/** The catalogue: `REPORT_MESSAGES[locale][key]`, the same shape as the SDK's `MESSAGES`. */
export const REPORT_MESSAGES: Record<ReportLocale, Record<ReportMessageKey, string>> = { 'zh-CN': zh, en };

/** A lender's own wording for some messages, per locale (the rest keep the catalogue's text). */
export type ReportMessageOverrides = Partial<Record<ReportLocale, Partial<Record<ReportMessageKey, string>>>>;

/** The kinds of code the catalogue has words for (`<kind>.<code>` keys). */
export type TermKind =
  | 'reason'
  | 'challenge'
  | 'livenessReason'
  | 'livenessVerdict'
  | 'livenessMode'
  | 'segmentKind'
  | 'outcome'
  | 'flowOutcome'
  | 'speechReason'
  | 'lipIssue'
  | 'choice'
  | 'supportMode'
  | 'sessionStatus'
  | 'stopReason'
  | 'interruptReason'
  | 'degradedReason'
  | 'trackKind'
  | 'onOff'
  | 'consentScope'
  | 'side'
  | 'mediaRole'
  | 'cardReject'
  | 'field'
  | 'fieldStatus'
  | 'step'
  | 'stepStatus'
  | 'summaryKey'
  | 'value'
  | 'locale'
  /** A DualrecError code (a failed step, a recorder that stopped on an error): its documented message. */
  | 'error';

/**
 * @example
 * ```ts
 * const locale = isReportLocale(arg) ? arg : 'zh-CN';
 * ```
 */
export function isReportLocale(value: unknown): value is ReportLocale {
  return value === 'zh-CN' || value === 'en';
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/**
 * Checks a lender's overrides (e.g. parsed from a JSON file): known locales and keys only, string
 * values, and the same `{placeholders}` as the catalogue's text, so a typo cannot hide a value.
 *
 * @example
 * ```ts
 * const messages = checkReportMessages(JSON.parse(await readFile('report-messages.json', 'utf8')));
 * await prepareReport({ source, name, ticketKeys, locale: 'zh-CN', messages });
 * ```
 * @throws DualrecError `BAD_USAGE` naming the first bad locale, key or placeholder.
 */
export function checkReportMessages(overrides: unknown): ReportMessageOverrides {
  const bad = (detail: string) => new DualrecError('BAD_USAGE', { detail: `report messages: ${detail}` });
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides))
    throw bad('expected an object { "zh-CN": { key: text }, "en": { key: text } }');
  for (const [locale, messages] of Object.entries(overrides)) {
    if (!isReportLocale(locale)) throw bad(`unknown locale "${locale}" (zh-CN or en)`);
    if (typeof messages !== 'object' || messages === null || Array.isArray(messages))
      throw bad(`"${locale}" must be an object of key → text`);
    for (const [key, text] of Object.entries(messages)) {
      if (!(key in zh)) throw bad(`unknown key "${key}"`);
      if (typeof text !== 'string') throw bad(`"${locale}" "${key}" must be a string`);
      const expected = placeholders(zh[key as ReportMessageKey]);
      if (placeholders(text).join() !== expected.join())
        throw bad(
          `"${locale}" "${key}" must use the placeholders ${expected.map((p) => `{${p}}`).join(' ') || '(none)'}`,
        );
    }
  }
  return overrides as ReportMessageOverrides;
}

/**
 * Looks a message up (the lender's override first) and fills `{name}` placeholders; unknown
 * placeholders stay visible, as in the SDK's `translate`.
 *
 * @example
 * ```ts
 * translateReport('zh-CN', 'console.summary.invalid', { reason: 'FILE_HASH_MISMATCH' }); // '无效 — FILE_HASH_MISMATCH'
 * ```
 */
export function translateReport(
  locale: ReportLocale,
  key: ReportMessageKey,
  values: Record<string, string | number> = {},
  overrides: ReportMessageOverrides = {},
): string {
  const text = overrides[locale]?.[key] ?? REPORT_MESSAGES[locale][key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** A time zone's offset from UTC at an instant, in minutes (east positive). */
function offsetMinutes(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

/**
 * A UTC offset as the report shows it.
 *
 * @example
 * ```ts
 * formatUtcOffset(480); // 'UTC+08:00'
 * formatUtcOffset(-210); // 'UTC-03:30'
 * ```
 */
export function formatUtcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * An instant as the auditor reads it: local date and time in `timeZone` with the UTC offset,
 * "2026-11-23 16:00:00 UTC+08:00". A value that is not a date is returned as it is.
 *
 * @example
 * ```ts
 * formatInstant('2026-11-23T08:00:00.000Z', 'Asia/Shanghai'); // '2026-11-23 16:00:00 UTC+08:00'
 * ```
 */
export function formatInstant(
  value: string | number | Date,
  timeZone: string,
  options: { timeOnly?: boolean } = {},
): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const offset = offsetMinutes(date, timeZone);
  const local = new Date(Math.floor(date.getTime() / 1000) * 1000 + offset * 60_000).toISOString();
  const time = local.slice(11, 19);
  return options.timeOnly ? time : `${local.slice(0, 10)} ${time} ${formatUtcOffset(offset)}`;
}

/**
 * The time zone the report's dates are shown in: the one asked for, else this machine's (node) or
 * browser's. An unknown zone name is a `BAD_USAGE` error.
 *
 * @example
 * ```ts
 * resolveTimeZone('Asia/Shanghai'); // 'Asia/Shanghai'
 * resolveTimeZone(); // e.g. 'UTC' on a server, the browser's zone in the console
 * ```
 */
export function resolveTimeZone(timeZone?: string): string {
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch (cause) {
    throw new DualrecError('BAD_USAGE', {
      detail: `unknown time zone "${zone}" (an IANA name, e.g. Asia/Shanghai)`,
      cause,
    });
  }
  return zone;
}

/** What the model and the HTML use to word things in one locale, with a lender's overrides. */
export interface ReportTranslator {
  readonly locale: ReportLocale;
  readonly timeZone: string;
  t(key: ReportMessageKey, values?: Record<string, string | number>): string;
  /** The word for a code, with the code beside it ("眨眼（blink）"); the bare code when unknown. */
  term(kind: TermKind, code: unknown): string;
  /** The word alone (for headings and table cells that show the code elsewhere); the code when unknown. */
  word(kind: TermKind, code: unknown): string;
  /** Several codes of one kind as one list. */
  terms(kind: TermKind, codes: unknown): string;
  /** A date in the auditor's time zone with its UTC offset. */
  date(value: string | number | Date): string;
  /** The time of day only (for the timeline). */
  time(value: string | number | Date): string;
}

/**
 * @example
 * ```ts
 * const tr = reportTranslator('zh-CN', { timeZone: 'Asia/Shanghai' });
 * tr.term('challenge', 'blink'); // '眨眼（blink）'
 * ```
 */
export function reportTranslator(
  locale: ReportLocale,
  options: { messages?: ReportMessageOverrides; timeZone?: string } = {},
): ReportTranslator {
  const overrides = options.messages ?? {};
  const timeZone = resolveTimeZone(options.timeZone);
  const t = (key: ReportMessageKey, values?: Record<string, string | number>) =>
    translateReport(locale, key, values, overrides);
  const lookup = (kind: TermKind, code: string): string | null => {
    const key = `${kind}.${code}`;
    if (key in zh) return t(key as ReportMessageKey);
    // "flagged:<segment>" (speech.flow.end): the word for flagged, the segment as the code.
    if (kind === 'speechReason' && code.startsWith('flagged:')) return t('speechReason.flagged');
    // Recorder stop reasons and failed-step codes are DualrecError codes: their documented message.
    const error = (ERROR_MESSAGES as Record<string, { en: string; 'zh-CN': string }>)[code];
    if (error && (kind === 'error' || kind === 'stopReason' || kind === 'interruptReason'))
      return error[locale].replace(/[。.]$/, '');
    return null;
  };
  const codeText = (code: unknown) =>
    code === null || code === undefined ? '—' : typeof code === 'string' ? code : JSON.stringify(code);
  const term = (kind: TermKind, code: unknown) => {
    const raw = codeText(code);
    const word = typeof code === 'string' || typeof code === 'boolean' ? lookup(kind, String(code)) : null;
    if (word === null) return raw;
    return word === raw ? raw : t('term.format', { word, code: raw });
  };
  return {
    locale,
    timeZone,
    t,
    term,
    word: (kind, code) =>
      (typeof code === 'string' || typeof code === 'boolean' ? lookup(kind, String(code)) : null) ??
      codeText(code),
    terms: (kind, codes) =>
      Array.isArray(codes) ? codes.map((c) => term(kind, c)).join(t('list.separator')) : term(kind, codes),
    date: (value) => formatInstant(value, timeZone),
    time: (value) => formatInstant(value, timeZone, { timeOnly: true }),
  };
}
