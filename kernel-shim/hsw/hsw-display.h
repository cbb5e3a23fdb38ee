/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hsw-display.h - Haswell display facts: pipes and transcoders, primary
 * planes, cursors, DDI ports and their clocks, DP AUX (with the DP
 * protocol values it carries), GMBUS and the PCH registers around them.
 *
 * Register offsets are byte offsets in the MMIO BAR; names are Linux
 * i915_reg.h's (drm_dp_helper.h's for DP protocol values), so a reader can
 * grep both.  Plain macros only: this header is included by the QEMU
 * device, the helper and a kernel module alike.
 */
#ifndef HSW_DISPLAY_H
#define HSW_DISPLAY_H

/*
 * Display events: DEIIR bits (IVB layout) and SDEIIR bits (CPT layout,
 * the LPT PCH's); the interrupt registers are hsw-regs.h's.
 */
#define DE_AUX_CHANNEL_A_IVB		(1u << 26)
#define DE_PLANE_FLIP_DONE_IVB(plane)	(1u << (3 + 5 * (plane)))
#define DE_PIPE_VBLANK_IVB(pipe)	(1u << ((pipe) * 5))
#define SDE_AUXD_CPT			(1u << 27)
#define SDE_AUXC_CPT			(1u << 26)
#define SDE_AUXB_CPT			(1u << 25)
#define SDE_PORTD_HOTPLUG_CPT		(1u << 23)
#define SDE_PORTC_HOTPLUG_CPT		(1u << 22)
#define SDE_PORTB_HOTPLUG_CPT		(1u << 21)
#define SDE_GMBUS_CPT			(1u << 17)

/* The PSR interrupt pair (of transcoder EDP). */
#define EDP_PSR_IMR			0x64834u
#define EDP_PSR_IIR			0x64838u

/* Pipes A, B, C and their transcoders (pipe n drives transcoder n). */
#define HSW_NUM_PIPES			3u
#define _PIPE(pipe, a)			(0x70000u + (pipe) * 0x1000u + (a))
#define _TRANS(tran, a)			(0x60000u + (tran) * 0x1000u + (a))
#define TRANSCODER_EDP_OFFSET		0x6f000u	/* transcoder EDP */
#define PIPE_EDP_OFFSET			0x7f000u

/* Transcoder timings: (total - 1) << 16 | (active - 1) */
#define HTOTAL(tran)			_TRANS(tran, 0x00)
#define VTOTAL(tran)			_TRANS(tran, 0x0c)
#define  TRANS_TIMINGS_SIZE		0x18u	/* HTOTAL..VSYNC */
#define PIPESRC(pipe)			_TRANS(pipe, 0x1c)
#define  PIPESRC_WIDTH(v)		((((v) >> 16) & 0x1fffu) + 1)
#define  PIPESRC_HEIGHT(v)		(((v) & 0x1fffu) + 1)
#define BCLRPAT(tran)			_TRANS(tran, 0x20)	/* ..PIPE_MULT */
#define PIPE_DATA_M1(tran)		_TRANS(tran, 0x30)	/* ..LINK_N2 */
#define PIPE_LINK_M1(tran)		_TRANS(tran, 0x40)
#define PIPE_LINK_N1(tran)		_TRANS(tran, 0x44)
#define  LINK_M_N_MASK			0xffffffu
#define PIPE_CRC_CTL(pipe)		_TRANS(pipe, 0x50)
#define HSW_TVIDEO_DIP_CTL(tran)	_TRANS(tran, 0x200)
#define TRANS_DDI_FUNC_CTL(tran)	_TRANS(tran, 0x400)
#define  TRANS_DDI_FUNC_ENABLE		(1u << 31)
#define  TRANS_DDI_PORT_SHIFT		28
#define  TRANS_DDI_PORT_MASK		(7u << 28)
#define TRANS_MSA_MISC(tran)		_TRANS(tran, 0x410)

#define PIPEDSL(pipe)			_PIPE(pipe, 0x00)
#define  PIPEDSL_LINE_MASK		0xfffffu
#define PIPECONF(pipe)			_PIPE(pipe, 0x08)
#define  PIPECONF_ENABLE		(1u << 31)
#define  PIPECONF_STATE_ENABLE		(1u << 30)
#define PIPE_FRMCOUNT_G4X(pipe)		_PIPE(pipe, 0x40)
#define PIPE_FLIPCOUNT_G4X(pipe)	_PIPE(pipe, 0x44)
#define PF_WIN_POS(pipe)		(0x68070u + (pipe) * 0x800u)

/* Cursor of each pipe: CURCNTR, CURBASE, CURPOS, ..., CUR_FBC_CTL. */
#define CURCNTR(pipe)			_PIPE(pipe, 0x80)
#define  MCURSOR_MODE_MASK		0x27u
#define  MCURSOR_MODE_64_ARGB_AX	0x27u
#define  MCURSOR_MODE_128_ARGB_AX	0x22u
#define  MCURSOR_MODE_256_ARGB_AX	0x23u
#define CURBASE(pipe)			_PIPE(pipe, 0x84)
#define CURPOS(pipe)			_PIPE(pipe, 0x88)
#define  CURSOR_POS_Y_SIGN		(1u << 31)
#define  CURSOR_POS_Y_SHIFT		16
#define  CURSOR_POS_Y_MASK		(0x7fffu << 16)
#define  CURSOR_POS_X_SIGN		(1u << 15)
#define  CURSOR_POS_X_MASK		0x7fffu
#define CURSURFLIVE(pipe)		_PIPE(pipe, 0xac)
#define  CURSOR_REGS_SIZE		0x2cu	/* CURCNTR..CUR_FBC_CTL */

/* Primary plane of each pipe. */
#define DSPCNTR(plane)			_PIPE(plane, 0x180)
#define  DISP_ENABLE			(1u << 31)
#define  DISP_FORMAT_SHIFT		26
#define  DISP_FORMAT_MASK		(0xfu << 26)
#define  DISP_FORMAT_BGRX565		(5u << 26)
#define  DISP_FORMAT_BGRX888		(6u << 26)
#define  DISP_FORMAT_RGBX101010		(8u << 26)
#define  DISP_FORMAT_BGRX101010		(10u << 26)
#define  DISP_FORMAT_RGBX888		(14u << 26)
#define  DISP_ROTATE_180		(1u << 15)
#define  DISP_TILED			(1u << 10)
#define  DSP_REGS_SIZE			0x1cu	/* DSPCNTR..DSPSIZE */
#define DSPSTRIDE(plane)		_PIPE(plane, 0x188)
#define  DSPSTRIDE_MASK			0x3ffc0u
#define HSW_MAX_STRIDE			(32u * 1024)
#define DSPSURF(plane)			_PIPE(plane, 0x19c)
#define DSPOFFSET(plane)		_PIPE(plane, 0x1a4)	/* DSPTILEOFF */
#define  DSPOFFSET_X(v)			((v) & 0x1fffu)
#define  DSPOFFSET_Y(v)			(((v) >> 16) & 0x1fffu)
#define DSPSURFLIVE(plane)		_PIPE(plane, 0x1ac)
#define SPRCTL(pipe)			_PIPE(pipe, 0x280)
#define  SPR_REGS_SIZE			0x90u

/* X tiling: 512-byte by 8-row tiles of 4 KiB. */
#define HSW_TILE_X_WIDTH		512u
#define HSW_TILE_X_ROWS			8u

/* DDI ports A..E: buffer, DP transport, buffer translations, clocks. */
#define HSW_NUM_DDI			5u
#define DDI_BUF_CTL(port)		(0x64000u + (port) * 0x100u)
#define  DDI_BUF_CTL_ENABLE		(1u << 31)
#define  DDI_BUF_IS_IDLE		(1u << 7)
#define  DDI_INIT_DISPLAY_DETECTED	(1u << 0)
#define DP_TP_CTL(port)			(0x64040u + (port) * 0x100u)
#define DP_TP_STATUS(port)		(0x64044u + (port) * 0x100u)
#define  DP_TP_STATUS_IDLE_DONE		(1u << 25)
#define DDI_BUF_TRANS_BASE		0x64e00u
#define  DDI_BUF_TRANS_SIZE		(HSW_NUM_DDI * 0x60u)

#define SPLL_CTL			0x46020u
#define WRPLL_CTL(pll)			(0x46040u + (pll) * 0x20u)
#define PORT_CLK_SEL(port)		(0x46100u + (port) * 4)
#define  PORT_CLK_SEL_MASK		(7u << 29)
#define  PORT_CLK_SEL_LCPLL_2700	(0u << 29)
#define  PORT_CLK_SEL_LCPLL_1350	(1u << 29)
#define  PORT_CLK_SEL_LCPLL_810		(2u << 29)
#define  PORT_CLK_SEL_NONE		(7u << 29)
#define TRANS_CLK_SEL(tran)		(0x46140u + (tran) * 4)

#define LCPLL_CTL			0x130040u
#define  LCPLL_PLL_DISABLE		(1u << 31)
#define  LCPLL_PLL_LOCK			(1u << 30)
#define  LCPLL_CD_SOURCE_FCLK		(1u << 21)
#define  LCPLL_CD_SOURCE_FCLK_DONE	(1u << 19)

/* DP AUX: channel A in the CPU display block, B..D in the PCH. */
#define DP_AUX_CH_CTL(aux)		(0x64010u + (aux) * 0x100u)	/* A */
#define PCH_DP_AUX_CH_CTL(aux)		(0xe4010u + (aux) * 0x100u)	/* B..D */
#define  DP_AUX_CH_DATA_SIZE		20u	/* at ctl + 4: five dwords */
#define  DP_AUX_CH_CTL_SEND_BUSY	(1u << 31)
#define  DP_AUX_CH_CTL_DONE		(1u << 30)
#define  DP_AUX_CH_CTL_INTERRUPT	(1u << 29)
#define  DP_AUX_CH_CTL_TIME_OUT_ERROR	(1u << 28)
#define  DP_AUX_CH_CTL_RECEIVE_ERROR	(1u << 25)
#define  DP_AUX_CH_CTL_MESSAGE_SIZE_SHIFT	20
#define  DP_AUX_CH_CTL_MESSAGE_SIZE_MASK	(0x1fu << 20)

/* DP AUX requests (request byte 0, bits 7:4) and replies (bits 7:4). */
#define DP_AUX_I2C_WRITE		0x0u
#define DP_AUX_I2C_READ			0x1u
#define DP_AUX_I2C_WRITE_STATUS_UPDATE	0x2u
#define DP_AUX_I2C_MOT			0x4u
#define DP_AUX_NATIVE_WRITE		0x8u
#define DP_AUX_NATIVE_READ		0x9u
#define DP_AUX_NATIVE_REPLY_ACK		0x0u
#define DP_AUX_NATIVE_REPLY_NACK	0x1u
#define DP_AUX_I2C_REPLY_NACK		(0x1u << 2)

/* DPCD addresses and the link status bits the sink reports. */
#define DP_RECEIVER_CAP_SIZE		0x10u	/* DPCD 0x000..0x00f */
#define DP_LINK_BW_SET			0x100u	/* link configuration.. */
#define DP_LANE_COUNT_SET		0x101u
#define  DP_LANE_COUNT_MASK		0x1fu
#define DP_LINK_CONFIGURATION_SIZE	0x10u	/* ..0x10f */
#define DP_SINK_COUNT			0x200u
#define DP_LANE0_1_STATUS		0x202u
#define DP_LANE2_3_STATUS		0x203u
#define  DP_LANE_CR_DONE		(1u << 0)
#define  DP_LANE_CHANNEL_EQ_DONE	(1u << 1)
#define  DP_LANE_SYMBOL_LOCKED		(1u << 2)
#define DP_LANE_ALIGN_STATUS_UPDATED	0x204u
#define  DP_INTERLANE_ALIGN_DONE	(1u << 0)
#define DP_SINK_STATUS			0x205u
#define  DP_RECEIVE_PORT_0_STATUS	(1u << 0)
#define  DP_RECEIVE_PORT_1_STATUS	(1u << 1)
#define DP_SET_POWER			0x600u
#define DP_MAX_LANES			4u

/* DDC (E-DDC) I2C addresses: the EDID and the segment pointer. */
#define DDC_ADDR			0x50u
#define DDC_SEGMENT_ADDR		0x30u

/* GMBUS, the display's I2C controller, and its GPIO pins (PCH). */
#define GPIO_BASE			0xc5010u	/* GPIOA..GPIOF */
#define  GPIO_COUNT			6u
#define  GPIO_CLOCK_VAL_IN		(1u << 4)
#define  GPIO_DATA_VAL_IN		(1u << 12)
#define GMBUS0				0xc5100u
#define  GMBUS_PIN_MASK			7u
#define  GMBUS_PIN_DPC			4u
#define  GMBUS_PIN_DPB			5u
#define  GMBUS_PIN_DPD			6u
#define GMBUS1				0xc5104u
#define  GMBUS_SW_CLR_INT		(1u << 31)
#define  GMBUS_SW_RDY			(1u << 30)
#define  GMBUS_CYCLE_INDEX		(2u << 25)
#define  GMBUS_CYCLE_STOP		(4u << 25)
#define  GMBUS_BYTE_COUNT(v)		(((v) >> 16) & 0x1ffu)
#define  GMBUS_SLAVE_INDEX(v)		(((v) >> 8) & 0xffu)
#define  GMBUS_SLAVE_ADDR(v)		(((v) >> 1) & 0x7fu)
#define  GMBUS_SLAVE_READ		(1u << 0)
#define GMBUS2				0xc5108u
#define  GMBUS_HW_WAIT_PHASE		(1u << 14)
#define  GMBUS_HW_RDY			(1u << 11)
#define  GMBUS_SATOER			(1u << 10)
#define  GMBUS_ACTIVE			(1u << 9)
#define GMBUS3				0xc510cu
#define GMBUS4				0xc5110u
#define  GMBUS_NAK_EN			(1u << 3)
#define  GMBUS_IDLE_EN			(1u << 2)
#define  GMBUS_HW_WAIT_EN		(1u << 1)
#define  GMBUS_HW_RDY_EN		(1u << 0)
#define GMBUS5				0xc5120u

/* Hot-plug detection: port A in the CPU, B..D in the PCH. */
#define DIGITAL_PORT_HOTPLUG_CNTRL	0x44030u
#define PCH_PORT_HOTPLUG		0xc4030u	/* port B..D: 1..3 */
#define  PORT_HOTPLUG_STATUS_MASK(port)	(3u << (((port) - 1) * 8))
#define  PORT_HOTPLUG_LONG_DETECT(port)	(2u << (((port) - 1) * 8))
#define  PORT_HOTPLUG_ENABLE(port)	(1u << (((port) - 1) * 8 + 4))
#define  PORT_HOTPLUG_STATUS_ALL	0x03030303u

/* Fuses, straps and clocks i915 reads before any output. */
#define FUSE_STRAP			0x42014u
#define FUSE_STRAP3			0x42020u
#define SFUSE_STRAP			0xc2014u
#define  SFUSE_STRAP_CRT_DISABLED	(1u << 6)
#define  SFUSE_STRAP_DDIB_DETECTED	(1u << 2)
#define  SFUSE_STRAP_DDIC_DETECTED	(1u << 1)
#define  SFUSE_STRAP_DDID_DETECTED	(1u << 0)
#define PCH_RAWCLK_FREQ			0xc6204u
#define CPU_VGACNTRL			0x41000u
#define  VGA_DISP_DISABLE		(1u << 31)

/*
 * Power wells: Haswell has one, "display", requested in any of four
 * control registers (BIOS, driver, KVMR, debug).
 */
#define HSW_PWR_WELL_CTL1		0x45400u
#define HSW_PWR_WELL_CTL(i)		(HSW_PWR_WELL_CTL1 + (i) * 4)
#define  HSW_PWR_WELL_CTLS		4u
#define  HSW_PWR_WELL_CTL_REQ		(1u << 31)	/* of well 15 */
#define  HSW_PWR_WELL_CTL_STATE		(1u << 30)
#define HSW_NDE_RSTWRN_OPT		0x46408u

/* The PCH sideband (SBI) to the iCLK and mPHY units. */
#define SBI_ADDR			0xc6000u
#define SBI_DATA			0xc6004u
#define SBI_CTL_STAT			0xc6008u
#define  SBI_BUSY			(1u << 0)
#define  SBI_RESPONSE_FAIL		(1u << 1)
#define  SBI_CTL_OP_WR			(1u << 8)	/* CRWR, IOWR */
#define  SBI_CTL_DEST_MPHY		(1u << 16)

#endif /* HSW_DISPLAY_H */
